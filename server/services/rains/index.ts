/**
 * Rains (红包雨): scheduled and grabbed through RainService, driven by the RainRunner on the
 * one node holding each rain's lease (every RAIN_TICK_MS), lottery drops answered when drawn
 * (LotteryWaiter), drops that ran out announced in batches (GoneBatcher), and looked back at
 * through replays and reports (RainAudit).
 */
import type { Clock } from '../../domain/clock.js';
import { dropClaimId } from '../../domain/ids.js';
import { creditLedgerRows, type Payments } from '../money/payments.js';
import type { ClaimRisk } from '../risk/claim-risk.js';
import type { SendGate } from '../risk/risk-service.js';
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import { GoneBatcher } from './gone-batcher.js';
import { DropBatches } from './drop-batches.js';
import { RainGate } from './rain-gate.js';
import { LotteryWaiter, type ConfirmWins, type LotteryWaiterOptions } from './lottery-waiter.js';
import { RainAudit } from './rain-audit.js';
import { RainRunner } from './rain-runner.js';
import { RainService } from './rain-service.js';

/** What rains tell the other nodes: the cluster's NodeRelay. */
export interface RainPeers {
  /** This node learned a drop ran out: the others refuse its grabs without the store. */
  dropGone(rainId: string, dropId: string): void;
}

export interface RainsNeeds {
  payments: Payments;
  peers: RainPeers;
  admitSend: SendGate;
  /** The risk gate every claim passes (RiskService.guardClaim). */
  claimRisk: ClaimRisk;
  /** Where rain seeds come from. @default 32 random bytes (rain-service.ts) */
  newSeed?: () => string;
}

export interface RainsConcept extends ConceptTasks {
  rains: RainService;
  /** Hands its rain leases back at close. */
  runner: RainRunner;
  rainAudit: RainAudit;
}

export function createRainsConcept(node: NodeBasics, needs: RainsNeeds): RainsConcept {
  const { config, store, clock, broadcaster, metrics, log } = node;
  const { peers } = needs;
  const gone = new GoneBatcher(broadcaster);
  const { waiter, batches, gate } = createTapGate(node, {
    giveUpMs: 30_000,
    ...(needs.payments.ledger ? { confirm: confirmWins(needs.payments, clock) } : {}),
  });
  const rains = new RainService({
    store,
    clock,
    broadcaster,
    payments: needs.payments,
    gone,
    metrics,
    limits: config.limits,
    admitSend: needs.admitSend,
    claimRisk: needs.claimRisk,
    onGone: (rainId, dropId) => peers.dropGone(rainId, dropId),
    waiter,
    gate,
    batches,
    batchGraceMs: config.rain.batchGraceMs,
    ...(needs.newSeed ? { newSeed: needs.newSeed } : {}),
  });
  const runner = new RainRunner(store, clock, rains, broadcaster, gone, metrics, log, {
    nodeId: config.nodeId,
    leaseTtlMs: config.rain.leaseTtlMs,
    scanMs: config.rain.scanMs,
    batchGraceMs: config.rain.batchGraceMs,
  });
  return {
    rains,
    runner,
    rainAudit: new RainAudit(store),
    tasks: [new Periodic('rain-runner', config.rain.tickMs, () => runner.tick(), log)],
  };
}

/**
 * The node's tap gate, its lottery batches and the waiter that answers tickets, wired to one
 * another: the waiter tells the gate every draw it learns, a batch refused after the draw
 * tells the waiter.
 */
export function createTapGate(
  node: Pick<NodeBasics, 'store' | 'clock' | 'log'> & { config: { nodeId: string } },
  options: LotteryWaiterOptions,
): { waiter: LotteryWaiter; batches: DropBatches; gate: RainGate } {
  const { store, clock, log } = node;
  const late: { waiter?: LotteryWaiter } = {};
  const batches = new DropBatches(store.lottery, node.config.nodeId, log, (rainId, dropId) =>
    late.waiter?.missed(rainId, dropId),
  );
  const gate = new RainGate(store, batches);
  const waiter = new LotteryWaiter(store.lottery, clock, log, {
    ...options,
    onDrawn: (rainId, dropId, winners) => gate.learnDraw(rainId, dropId, winners),
  });
  late.waiter = waiter;
  return { waiter, batches, gate };
}

/** Lottery wins another node drew, committed here before their tickets are answered. */
const confirmWins =
  (payments: Payments, clock: Clock): ConfirmWins =>
  (rainId, dropId, winners) =>
    payments.record(
      winners.flatMap(({ userId, amount }) =>
        creditLedgerRows({
          claimId: dropClaimId(rainId, dropId, userId),
          userId,
          amount,
          sourceId: rainId,
          reason: 'drop',
          at: clock.now(),
        }),
      ),
    );

/**
 * Service-level tests: PacketService, RainService and Payments wired as app.ts wires them, on
 * a MemoryStore and a ManualClock, without socket.io. Background work that app.ts runs on
 * timers (grab batches, the sweeper, the rain runner, credit acks) is driven by hand, so every
 * test is deterministic and takes milliseconds. When a constructor changes, this file changes.
 */
import { expect } from 'vitest';
import type {
  AuditReport,
  ServerEventName,
  ServerEventPayloads,
  ServerToClientEvents,
} from '@red-packet/sdk/protocol';
import type { Role } from '@red-packet/sdk/schemas';
import type { Identity } from '../../server/auth/tokens.js';
import { loadConfig, type Config } from '../../server/config.js';
import { ManualClock } from '../../server/domain/clock.js';
import { GameError } from '../../server/domain/errors.js';
import type { RandomInt } from '../../server/domain/split.js';
import { createLogger, type Logger } from '../../server/observability/logger.js';
import { Metrics } from '../../server/observability/metrics.js';
import type { Broadcaster } from '../../server/services/runtime/broadcaster.js';
import type { TextCheck } from '../../server/services/screening/content-screen.js';
import { CreditAcker } from '../../server/services/money/credit-acker.js';
import type { ExhaustedReason } from '../../server/services/packets/packet-facts.js';
import { ExpirySweeper } from '../../server/services/packets/expiry-sweeper.js';
import { GoneBatcher } from '../../server/services/rains/gone-batcher.js';
import { GrabBatcher } from '../../server/services/packets/grab-batcher.js';
import type { LotteryWaiter } from '../../server/services/rains/lottery-waiter.js';
import { createTapGate } from '../../server/services/rains/index.js';
import { PacketService } from '../../server/services/packets/packet-service.js';
import { Payments } from '../../server/services/money/payments.js';
import { RainRunner } from '../../server/services/rains/rain-runner.js';
import { RainService } from '../../server/services/rains/rain-service.js';
import { BanList, type RiskBus } from '../../server/services/risk/risk-bans.js';
import { RiskService, type SendGate } from '../../server/services/risk/risk-service.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { RISK_RULES_OFF } from '../helpers/risk-off.js';

/** One event as a service handed it to the broadcaster. */
/** The refusal a promise rejects with (fails the test if it resolves or throws anything else). */
export async function refusal(promise: Promise<unknown>): Promise<GameError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof GameError) return err;
  throw new Error(`expected a GameError, got ${String(err)}`);
}

export type Sent = {
  [E in ServerEventName]: {
    to: { room: string } | { user: string; except?: string };
    event: E;
    payload: ServerEventPayloads[E];
  };
}[ServerEventName];

/** A Broadcaster that keeps what it was asked to send, in order. */
export class RecordingBroadcaster implements Broadcaster {
  readonly sent: Sent[] = [];

  toRoom<E extends ServerEventName>(
    roomId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.sent.push({ to: { room: roomId }, event, payload: args[0] } as Sent);
  }

  toUser<E extends ServerEventName>(
    userId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.sent.push({ to: { user: userId }, event, payload: args[0] } as Sent);
  }

  toUserExcept<E extends ServerEventName>(
    connId: string,
    userId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.sent.push({ to: { user: userId, except: connId }, event, payload: args[0] } as Sent);
  }

  /** Payloads of `event` sent to room `roomId`, in order. */
  toRoomOf<E extends ServerEventName>(roomId: string, event: E): ServerEventPayloads[E][] {
    return this.sent.flatMap((s) =>
      s.event === event && 'room' in s.to && s.to.room === roomId
        ? [s.payload as ServerEventPayloads[E]]
        : [],
    );
  }

  /** Payloads of `event` sent to user `userId` (all their connections), in order. */
  toUserOf<E extends ServerEventName>(userId: string, event: E): ServerEventPayloads[E][] {
    return this.sent.flatMap((s) =>
      s.event === event && 'user' in s.to && s.to.user === userId && s.to.except === undefined
        ? [s.payload as ServerEventPayloads[E]]
        : [],
    );
  }

  /** The event names sent, in order (optionally only those to one room). */
  names(roomId?: string): ServerEventName[] {
    return this.sent
      .filter((s) => roomId === undefined || ('room' in s.to && s.to.room === roomId))
      .map((s) => s.event);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

export interface FixtureOptions {
  /** Config variables over the defaults (limits, rain timers, …). */
  env?: Record<string, string>;
  /** Risk control's send gate (app.ts: RiskService.admitSend). None by default. */
  admitSend?: SendGate;
  /** Content screening (app.ts: ContentScreen.check). None by default. */
  screenText?: TextCheck;
  /** Packet splits (app.ts: crypto). */
  randomInt?: RandomInt;
  /** Rain seeds (app.ts: 32 random bytes); the default is a fixed sequence, for repeatable timelines. */
  newSeed?: () => string;
  /** The clock's start, ms epoch. */
  start?: number;
}

export interface ServiceFixture {
  readonly config: Config;
  readonly store: MemoryStore;
  readonly clock: ManualClock;
  readonly broadcaster: RecordingBroadcaster;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly acker: CreditAcker;
  readonly payments: Payments;
  readonly grabs: GrabBatcher;
  readonly gone: GoneBatcher;
  readonly packets: PacketService;
  readonly rains: RainService;
  readonly waiter: LotteryWaiter;
  readonly runner: RainRunner;
  readonly sweeper: ExpirySweeper;
  /** What PacketService told the other nodes (app.ts: relay.packetClosed). */
  readonly closed: [packetId: string, reason: ExhaustedReason][];
  /** What RainService told the other nodes (app.ts: relay.dropGone). */
  readonly goneDrops: [rainId: string, dropId: string][];
  /** A signed-in user as the handlers pass it. */
  user(userId: string, role?: Role): Identity;
  /** Test money, as POST /v1/admin/wallets/:id/credit makes it. */
  mint(userId: string, amount: number): Promise<number>;
  balance(userId: string): Promise<number>;
  /** Asserts the conservation audit is balanced and returns it. */
  expectBalanced(): Promise<AuditReport>;
  /** Writes pending credit acks (app.ts does this on close). */
  close(): Promise<void>;
}

export const NODE_ID = 'svc-node';

/** A fixed sequence of distinct seeds, base64url like newRainSeed's, so timelines repeat run to run. */
function seedSequence(): () => string {
  let n = 0;
  return () => Buffer.from(`service-test-seed-${n++}`.padEnd(32, '.')).toString('base64url');
}

export function serviceFixture(options: FixtureOptions = {}): ServiceFixture {
  const config = loadConfig({
    JWT_SECRET: 'service-test-secret-0123456789',
    NODE_ID,
    LOG_LEVEL: 'silent',
    SCREEN_WORDLIST_PATH: 'off',
    // One node: its batches are in before its own draw in the same tick.
    RAIN_BATCH_GRACE_MS: '0',
    // Risk rules off unless a test turns one on, as on the test servers; the gate still runs.
    ...RISK_RULES_OFF,
    ...options.env,
  });
  const store = new MemoryStore();
  const clock = new ManualClock(options.start);
  const broadcaster = new RecordingBroadcaster();
  const metrics = new Metrics(config.nodeId);
  const log = createLogger(config.logLevel, config.nodeId);
  const closed: ServiceFixture['closed'] = [];
  const goneDrops: ServiceFixture['goneDrops'] = [];

  // As in app.ts, minus the transport and screening; risk's claim gate is the real one (its
  // rules off unless a test's env turns one on), the send gate is passed in.
  const riskBus: RiskBus = {
    publishBan: () => undefined,
    publishCapped: () => undefined,
    kickLocal: () => undefined,
  };
  const risk = new RiskService({
    store: store.risk,
    bans: new BanList(store.risk, riskBus, log),
    bus: riskBus,
    clock,
    policy: config.risk,
    registry: metrics.registry,
    log,
  });
  const acker = new CreditAcker(store, log);
  const payments = new Payments(store, clock, broadcaster, acker, log);
  const grabs = new GrabBatcher(broadcaster);
  const packets = new PacketService({
    store,
    clock,
    broadcaster,
    payments,
    grabs,
    metrics,
    log,
    limits: config.limits,
    ...(options.admitSend ? { admitSend: options.admitSend } : {}),
    claimRisk: risk,
    ...(options.screenText ? { screenText: options.screenText } : {}),
    onClosed: (packetId, reason) => closed.push([packetId, reason]),
    fence: config.fence,
    ...(options.randomInt ? { randomInt: options.randomInt } : {}),
  });
  const gone = new GoneBatcher(broadcaster);
  const { waiter, batches, gate } = createTapGate({ store, clock, log, config }, { giveUpMs: 30_000 });
  const rains = new RainService({
    store,
    clock,
    broadcaster,
    payments,
    gone,
    metrics,
    limits: config.limits,
    ...(options.admitSend ? { admitSend: options.admitSend } : {}),
    claimRisk: risk,
    onGone: (rainId, dropId) => goneDrops.push([rainId, dropId]),
    waiter,
    gate,
    batches,
    batchGraceMs: config.rain.batchGraceMs,
    newSeed: options.newSeed ?? seedSequence(),
  });
  const runner = new RainRunner(store, clock, rains, broadcaster, gone, metrics, log, {
    nodeId: config.nodeId,
    leaseTtlMs: config.rain.leaseTtlMs,
    scanMs: config.rain.scanMs,
    batchGraceMs: config.rain.batchGraceMs,
  });
  const sweeper = new ExpirySweeper(store, packets, clock);

  let mints = 0;
  return {
    config,
    store,
    clock,
    broadcaster,
    metrics,
    log,
    acker,
    payments,
    grabs,
    gone,
    packets,
    rains,
    waiter,
    runner,
    sweeper,
    closed,
    goneDrops,
    user: (userId, role = 'user') => ({ userId, name: `${userId}-name`, role }),
    mint: async (userId, amount) =>
      (await store.wallets.mint(userId, amount, `mint-${++mints}`, clock.now())).balance,
    balance: (userId) => store.wallets.getBalance(userId),
    async expectBalanced() {
      const report = await store.audit.report();
      expect(report).toMatchObject({ balanced: true, difference: 0, doubleClaims: 0, ledgerMismatches: 0 });
      return report;
    },
    close: () => acker.flush(),
  };
}

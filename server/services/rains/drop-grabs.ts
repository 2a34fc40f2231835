/**
 * A drop grab on this node, after the risk gate and the room check (RainService.grab): the
 * node's tap gate decides what it can alone (rain-gate.ts); a lottery ticket waits for its
 * draw (lottery-waiter.ts); a claim — a race drop or a drawn drop's leftovers — is money, so
 * the store decides it, with at most as many in flight per drop on this node as it may have
 * shares left. Remembers drops known empty (from here or from other nodes) and answers later
 * grabs of them without the store.
 */
import type { UserRef } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';
import type { Payments } from '../money/payments.js';
import { GrabQueue } from '../packets/grab-queue.js';
import type { GoneBatcher } from './gone-batcher.js';
import type { LotteryWaiter } from './lottery-waiter.js';
import type { RainGate } from './rain-gate.js';

/** Remembered drops known empty before the memory is cleared. */
const GONE_LIMIT = 10_000;

export interface DropGrabsDeps {
  store: Store;
  clock: Clock;
  payments: Payments;
  metrics: Metrics;
  gone: GoneBatcher;
  waiter: LotteryWaiter;
  gate: RainGate;
  /** How long after a lottery window closes the driver draws (RAIN_BATCH_GRACE_MS), ms. */
  batchGraceMs: number;
  /** The room a rain falls in (for the rain:gone batch). */
  roomOf: (rainId: string) => Promise<string>;
  /** Called when this node learns a drop ran out (to tell the other nodes). */
  onGone?: (rainId: string, dropId: string) => void;
}

const GRAB_REFUSALS = {
  missing: ['NOT_FOUND', 'no such rain'],
  'rain-inactive': ['RAIN_NOT_ACTIVE', 'the rain is not falling'],
  'drop-inactive': ['DROP_NOT_ACTIVE', 'no such drop is falling now'],
  already: ['ALREADY_GRABBED', 'you already grabbed this drop'],
  cap: ['GRAB_CAP_REACHED', 'you reached this rain’s grab limit'],
  'drop-empty': ['PACKET_EMPTY', 'this drop is all taken'],
} as const;

/** Grab outcomes as metric labels and error acks, for the fair-rain gate (lottery-store.ts). */
const ENTRY_REFUSALS = {
  missing: GRAB_REFUSALS.missing,
  'rain-inactive': GRAB_REFUSALS['rain-inactive'],
  'drop-inactive': GRAB_REFUSALS['drop-inactive'],
  already: ['ALREADY_GRABBED', 'you already hold a ticket for this drop'],
  cap: GRAB_REFUSALS.cap,
  'drop-empty': GRAB_REFUSALS['drop-empty'],
} as const;

export class DropGrabs {
  private readonly goneDrops = new Set<string>();
  /** Race claims in flight per drop on this node (no more than its shares left). */
  private readonly claims = new GrabQueue();

  constructor(private readonly deps: DropGrabsDeps) {}

  /** One grab of drop `dropId`, timed and counted in the metrics. */
  async grab(user: UserRef, rainId: string, dropId: string): Promise<{ amount: number }> {
    const started = performance.now();
    const result = { outcome: 'error' };
    try {
      return await this.tryGrab(user, rainId, dropId, result, true);
    } finally {
      this.deps.metrics.rainGrabs.inc({ outcome: result.outcome });
      this.deps.metrics.dropGrabLatency.observe(
        { outcome: result.outcome },
        (performance.now() - started) / 1000,
      );
    }
  }

  private async tryGrab(
    user: UserRef,
    rainId: string,
    dropId: string,
    result: { outcome: string },
    waitForDraw: boolean,
  ): Promise<{ amount: number }> {
    const key = `${rainId}\n${dropId}`;
    if (this.goneDrops.has(key)) {
      result.outcome = 'drop-empty';
      throw new GameError('PACKET_EMPTY', GRAB_REFUSALS['drop-empty'][1]);
    }
    const { store, clock, waiter, payments, gate, batchGraceMs } = this.deps;
    payments.ensureLedger();
    const entry = await gate.enter(rainId, dropId, user, clock.now());
    result.outcome = entry.status;
    let left = 0;
    switch (entry.status) {
      case 'claim':
        left = entry.left;
        break;
      case 'ticket':
        try {
          // The driver draws once every node's batch is in: the close plus the grace.
          const amount = await waiter.ticket(rainId, dropId, user.userId, entry.closeAt + batchGraceMs);
          result.outcome = 'lottery-won';
          return { amount };
        } catch (err) {
          if (err instanceof GameError && err.code === 'LOTTERY_LOST') result.outcome = 'lottery-lost';
          if (err instanceof GameError && err.code === 'LOTTERY_MISSED') result.outcome = 'lottery-missed';
          throw err;
        }
      case 'drawing':
        if (!waitForDraw) throw new GameError('DROP_NOT_ACTIVE', 'this drop is being drawn');
        await waiter.drawn(rainId, dropId, entry.closeAt + batchGraceMs);
        return this.tryGrab(user, rainId, dropId, result, false);
      case 'early':
        throw new GameError(
          'GRAB_TOO_EARLY',
          `this drop opens ${Math.max(0, entry.opensAt - clock.now())} ms from now: grabs before the reaction floor do not count`,
        );
      case 'rate':
        throw new GameError(
          'RATE_LIMITED',
          `too many taps in this rain; try again in ${entry.retryAt - clock.now()} ms`,
        );
      default: {
        const [code, message] = ENTRY_REFUSALS[entry.status];
        throw new GameError(code, message);
      }
    }
    // A claim is money: the store decides it. At most as many in flight per drop on this node
    // as it may have shares left (GrabQueue); the rest hear PACKET_EMPTY once it is known empty.
    const grabbed = await this.claims.run(
      key,
      left,
      async () => {
        const got = await store.rains.grabDrop(rainId, dropId, user, clock.now());
        if (got.status === 'claimed') return got;
        result.outcome = got.status;
        if (got.status === 'already') gate.learnShare(rainId, dropId, user.userId, false);
        if (got.status === 'drop-empty') {
          gate.learnLeft(rainId, dropId, 0);
          await this.markGone(rainId, dropId);
        }
        const [code, message] = GRAB_REFUSALS[got.status];
        throw new GameError(code, message);
      },
      (got) => got.dropLeft,
      (err) => (err instanceof GameError && err.code === 'PACKET_EMPTY' ? 'PACKET_EMPTY' : undefined),
    );
    result.outcome = grabbed.status;
    gate.learnShare(rainId, dropId, user.userId, true);
    gate.learnLeft(rainId, dropId, grabbed.dropLeft);
    // Acknowledged once committed (Payments.pay: PostgreSQL first; if that fails the credit
    // waits in the rain's outbox for the reconciler). The drop is gone either way.
    const paid = payments.pay(grabbed.credit);
    paid.catch(() => undefined);
    if (grabbed.dropLeft === 0) await this.markGone(rainId, dropId);
    await paid;
    return { amount: grabbed.credit.amount };
  }

  async markGone(rainId: string, dropId: string): Promise<void> {
    const key = `${rainId}\n${dropId}`;
    if (this.goneDrops.has(key)) return;
    if (this.goneDrops.size >= GONE_LIMIT) this.goneDrops.clear();
    this.goneDrops.add(key);
    this.deps.onGone?.(rainId, dropId);
    this.deps.gone.add(rainId, await this.deps.roomOf(rainId), dropId);
  }

  /** What another node learned: later grabs of the drop here are refused without the store. */
  learnGone(rainId: string, dropId: string): void {
    if (this.goneDrops.size >= GONE_LIMIT) this.goneDrops.clear();
    this.goneDrops.add(`${rainId}\n${dropId}`);
  }
}

/**
 * The node's gate in front of every drop grab (issue 24: taps decided on the node). Everything
 * this node can decide alone it answers without the store; only what decides money leaves it:
 * a lottery ticket joins this node's batch for the drop (DropBatches, handed in once per drop),
 * a race grab claims a share in the store.
 *
 *   rain facts   per running rain: its record (floor, window, tap limit, ttl, mode, cap, seed),
 *                read once, and each drop's release time — from the driver's own releases
 *                (learnReleased) or one read of that drop when a tap names a drop it does not
 *                know (after the tap counted against the limit; at most one read per drop per
 *                RELOAD_MS, shared by every tap waiting on it)
 *   tap limit    per user per one-second window of server time, counted on this node only: a
 *                user connected to k nodes is bounded by k × maxTapsPerSec taps a second, still
 *                one ticket per drop (the store keeps one candidate per user)
 *   lottery      before release + floor → early; in the window → the first tap per user per
 *                drop on this node takes a ticket (`already` after), none for a user this node
 *                knows reached the cap; after the window → drawing until the draw is known,
 *                then PACKET_EMPTY if it paid every share, else a claim (leftovers go first
 *                come)
 *   race         in the drop's ttl → a claim; a share this node knows the user holds → already;
 *                a user this node knows reached the cap → cap (the store still judges every claim)
 *
 * Memory is bounded: a rain's facts go when it ends (forget) or when more than RAIN_LIMIT
 * rains are known; the tap counts are cleared every second; wins per user are at most the
 * rain's shares.
 */
import type { UserRef } from '@red-packet/sdk/protocol';
import { lotteryWindow, tapWindowStart } from '../../domain/rain-rules.js';
import { rainTimeline } from '../../domain/rain-timeline.js';
import type { RainRecord, Store } from '../../store/store.js';
import type { DropBatches } from './drop-batches.js';

/** A rain whose drops this node does not know is re-read at most this often, ms. */
const RELOAD_MS = 100;
/** Rains whose facts a node keeps at once. */
const RAIN_LIMIT = 1_000;
/** Known share holders remembered per rain (a rain pays at most RAIN_MAX_SHARES). */
const HOLDERS_LIMIT = 100_000;
/** Unknown drop ids remembered as read, per rain, before the memory is cleared. */
const CHECKED_LIMIT = 4_096;

export type GateOutcome =
  /**
   * Go to the store for a share (race, or a drawn lottery drop's leftovers); at most `left`
   * shares can be left (an upper bound: other nodes take shares too).
   */
  | { status: 'claim'; left: number }
  /** Took a ticket in this node's batch; the window closes at `closeAt`. */
  | { status: 'ticket'; closeAt: number }
  /** The window closed at `closeAt` and this node does not know the draw yet. */
  | { status: 'drawing'; closeAt: number }
  | { status: 'early'; opensAt: number }
  | { status: 'rate'; retryAt: number }
  | { status: 'already' | 'cap' | 'drop-empty' | 'drop-inactive' | 'rain-inactive' | 'missing' };

interface RainFacts {
  rain: RainRecord;
  /** dropId → index in the timeline. */
  index: Map<string, number>;
  /** dropId → release time (known released drops only). */
  released: Map<string, number>;
  /**
   * Shares a drop may have left, as far as this node knows: a lottery drop's entry appears when
   * its draw is known (what it left goes first come); every claim answered here lowers it.
   */
  leftovers: Map<string, number>;
  /** userId → shares won in the rain, as far as this node knows. */
  wins: Map<string, number>;
  /** `dropId\nuserId` of every share this node knows is held (draws, claims). */
  holders: Set<string>;
  tapSecond: number;
  taps: Map<string, number>;
  loadedAt: number;
  /** dropId → when this node last read it (unknown drops), and the reads in flight. */
  checked: Map<string, number>;
  reading: Map<string, Promise<number | undefined>>;
}

export class RainGate {
  private readonly rains = new Map<string, RainFacts>();
  private readonly loads = new Map<string, Promise<RainFacts | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly batches: DropBatches,
  ) {}

  /** Rains this node holds facts for (tests, metrics). */
  get known(): number {
    return this.rains.size;
  }

  /** Decides one tap of `user` on drop `dropId` at server time `now`. */
  async enter(rainId: string, dropId: string, user: UserRef, now: number): Promise<GateOutcome> {
    let facts = this.rains.get(rainId);
    // A rain not known, or known before it started, is read again (at most every RELOAD_MS).
    if (!facts || (facts.rain.status === 'scheduled' && now - facts.loadedAt >= RELOAD_MS)) {
      facts = await this.load(rainId, now);
      if (!facts) return { status: 'missing' };
    }
    const r = facts.rain;
    if (r.status !== 'running') return { status: 'rain-inactive' };
    const index = facts.index.get(dropId) ?? -1;
    const second = tapWindowStart(now);
    if (facts.tapSecond !== second) {
      facts.tapSecond = second;
      facts.taps.clear();
    }
    const count = facts.taps.get(user.userId) ?? 0;
    if (count >= r.maxTapsPerSec) {
      const known = facts.released.get(dropId);
      if (known !== undefined) this.batches.log(r, dropId, index, known, user.userId, now, 'rate');
      return { status: 'rate', retryAt: second + 1_000 };
    }
    facts.taps.set(user.userId, count + 1);
    const releasedAt = facts.released.get(dropId) ?? (await this.readDrop(facts, dropId, now));
    if (releasedAt === undefined || now < releasedAt || now >= releasedAt + r.dropTtlMs)
      return { status: 'drop-inactive' };
    const log = (outcome: 'tap' | 'ticket' | 'early'): void =>
      this.batches.log(r, dropId, index, releasedAt, user.userId, now, outcome);
    // Wins this node knows of are a lower bound of the user's wins: at the cap here is at the cap.
    const atCap = r.maxGrabsPerUser !== null && (facts.wins.get(user.userId) ?? 0) >= r.maxGrabsPerUser;
    const left = facts.leftovers.get(dropId) ?? (r.mode === 'lottery' ? undefined : r.sharesPerDrop);
    if (left === 0) return { status: 'drop-empty' };
    if (left !== undefined) {
      if (facts.holders.has(`${dropId}\n${user.userId}`)) return { status: 'already' };
      log('tap');
      return atCap ? { status: 'cap' } : { status: 'claim', left };
    }
    const { opensAt, closesAt } = lotteryWindow(releasedAt, r);
    if (now < opensAt) {
      log('early');
      return { status: 'early', opensAt };
    }
    if (now >= closesAt) {
      log('tap');
      return { status: 'drawing', closeAt: closesAt };
    }
    if (this.batches.holds(rainId, dropId, user.userId)) return { status: 'already' };
    if (atCap) {
      log('tap');
      return { status: 'cap' };
    }
    // Decided after this node handed the drop in (a slow read): the draw is pending for it.
    if (!this.batches.ticket(r, dropId, releasedAt, user)) return { status: 'drawing', closeAt: closesAt };
    log('ticket');
    return { status: 'ticket', closeAt: closesAt };
  }

  /** The driver released `dropIds` at `at`: this node knows them without a read. */
  learnReleased(rain: RainRecord, dropIds: readonly string[], at: number): void {
    const facts = this.rains.get(rain.id) ?? this.remember(rain, Number.NEGATIVE_INFINITY);
    facts.rain.status = rain.status;
    for (const id of dropIds) facts.released.set(id, at);
  }

  /** A drop's draw as this node learned it: later taps go first come; wins count to the cap. */
  learnDraw(rainId: string, dropId: string, winners: readonly { userId: string }[]): void {
    const facts = this.rains.get(rainId);
    if (!facts || facts.leftovers.has(dropId)) return;
    facts.leftovers.set(dropId, Math.max(0, facts.rain.sharesPerDrop - winners.length));
    for (const w of winners) this.learnShare(rainId, dropId, w.userId, true, facts);
  }

  /**
   * `userId` holds a share of drop `dropId` (a draw, or a claim on this node: `won`; or the
   * store said they already held one): their next taps on it are ALREADY_GRABBED here, and a
   * win counts toward the cap.
   */
  learnShare(
    rainId: string,
    dropId: string,
    userId: string,
    won: boolean,
    facts = this.rains.get(rainId),
  ): void {
    if (!facts) return;
    if (facts.holders.size >= HOLDERS_LIMIT) facts.holders.clear();
    facts.holders.add(`${dropId}\n${userId}`);
    if (won) facts.wins.set(userId, (facts.wins.get(userId) ?? 0) + 1);
  }

  /** A claim here said the drop has `left` shares left (an upper bound from then on). */
  learnLeft(rainId: string, dropId: string, left: number): void {
    const facts = this.rains.get(rainId);
    if (!facts) return;
    const known = facts.leftovers.get(dropId);
    if (facts.rain.mode === 'lottery' && known === undefined) return; // drawn first
    facts.leftovers.set(dropId, Math.min(known ?? left, left));
  }

  /** The rain is over: its facts go. */
  forget(rainId: string): void {
    this.rains.delete(rainId);
  }

  /** Reads the rain (one read at a time per rain, shared by every tap waiting on it). */
  private load(rainId: string, now: number): Promise<RainFacts | undefined> {
    let loading = this.loads.get(rainId);
    if (!loading) {
      loading = this.read(rainId, now).finally(() => this.loads.delete(rainId));
      this.loads.set(rainId, loading);
    }
    return loading;
  }

  private async read(rainId: string, now: number): Promise<RainFacts | undefined> {
    const rain = await this.store.rains.getRain(rainId);
    if (!rain) return undefined;
    const facts = this.rains.get(rainId) ?? this.remember(rain, now);
    facts.rain = rain;
    facts.loadedAt = now;
    if (rain.status !== 'running' && rain.status !== 'scheduled') {
      // Over: keep only the record (taps on it are refused without a read) until evicted.
      facts.wins.clear();
      facts.holders.clear();
      facts.released.clear();
    }
    return facts;
  }

  /**
   * Reads one drop's release time (a drop the driver released on another node). One read per
   * drop at a time and at most one per RELOAD_MS; undefined while it is not released.
   */
  private readDrop(facts: RainFacts, dropId: string, now: number): Promise<number | undefined> {
    const pending = facts.reading.get(dropId);
    if (pending) return pending;
    if (now - (facts.checked.get(dropId) ?? Number.NEGATIVE_INFINITY) < RELOAD_MS)
      return Promise.resolve(undefined);
    if (facts.checked.size >= CHECKED_LIMIT) facts.checked.clear();
    facts.checked.set(dropId, now);
    const reading = this.store.rains
      .dropReleasedAt(facts.rain.id, dropId)
      .then((at) => {
        if (!at) return undefined;
        facts.released.set(dropId, at);
        return at;
      })
      .finally(() => facts.reading.delete(dropId));
    facts.reading.set(dropId, reading);
    return reading;
  }

  private remember(rain: RainRecord, loadedAt: number): RainFacts {
    if (this.rains.size >= RAIN_LIMIT) {
      const oldest = this.rains.keys().next().value;
      if (oldest !== undefined) this.rains.delete(oldest);
    }
    const timeline = rainTimeline(rain.seed, rain.drops, rain.durationMs);
    const facts: RainFacts = {
      rain: { ...rain },
      index: new Map(timeline.map((p, i) => [p.dropId, i])),
      released: new Map(),
      leftovers: new Map(),
      wins: new Map(),
      holders: new Set(),
      tapSecond: 0,
      taps: new Map(),
      loadedAt,
      checked: new Map(),
      reading: new Map(),
    };
    this.rains.set(rain.id, facts);
    return facts;
  }
}

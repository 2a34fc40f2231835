/**
 * Group packets: send (fund + create), grab (claim + credit), expire (refund), details.
 * Runs the step protocol of store.ts; every step is idempotent, so a failure part-way is
 * finished by the reconciler, never paid twice.
 */
import type { PacketDetails, PacketView, UserRef } from '@red-packet/sdk/protocol';
import type { PacketSpec } from '@red-packet/sdk/schemas';
import { GameError, notInRoom } from '../../domain/errors.js';
import { checkFence, fencePass, outOfArea } from '../../domain/geo-fence.js';
import { checkPacketLimits, packetTotal, splitPacket } from '../../domain/packet-rules.js';
import { packetRows } from '../../store/ledger/index.js';
import type { PacketRecord } from '../../store/store.js';
import type { ClaimVia } from '../risk/claim-risk.js';
import { GrabQueue } from './grab-queue.js';
import { PacketFacts, type ExhaustedReason, type PacketFact } from './packet-facts.js';
import type { SendGateUser } from '../risk/risk-service.js';
import { bestLuckOf, claimView, packetView } from './packet-views.js';
import { closedError, closedReasonOf, refusalOf } from './grab-refusals.js';
import { claimLedgerRows, creditOf, packetRecordOf } from './packet-record.js';
import type { GrabRequest, GrabResult, PacketServiceDeps, SendOptions } from './packet-service-types.js';

export type {
  FenceAttemptEvent,
  GrabRequest,
  GrabResult,
  PacketServiceDeps,
  SendOptions,
} from './packet-service-types.js';

export class PacketService {
  /**
   * The node's one memory of packets (room, audience, claim rule, closed): a grab's audience
   * and closed checks read it, and so do code claims and receive-code opens (through here).
   */
  readonly facts: PacketFacts;
  /** Grabs of a packet in flight on this node, at most its shares left (grab-queue.ts). */
  readonly queue = new GrabQueue();

  constructor(private readonly deps: PacketServiceDeps) {
    this.facts = new PacketFacts((id) => deps.store.packets.getPacket(id));
  }

  /**
   * Funds a packet from `sender`'s wallet (Payments.fund) and announces it in `roomId` at once;
   * a timed packet (spec.opensAt / opensInMs) opens for grabs at its opening time.
   */
  async send(
    sender: UserRef & SendGateUser,
    roomId: string,
    spec: PacketSpec,
    options: SendOptions = {},
  ): Promise<PacketView> {
    const { store, clock, limits } = this.deps;
    checkPacketLimits(spec, limits);
    if (!options.screened) await this.screen(sender, spec);
    const total = packetTotal(spec);
    const shares = splitPacket(spec, this.deps.randomInt);
    const now = clock.now();
    const record = packetRecordOf(sender, roomId, spec, total, now, limits, options);
    if (spec.fence) checkFence(spec.fence, this.deps.fence);
    const undoRisk = await this.deps.admitSend?.(sender, record.id, 'packet', total);
    try {
      // The indexes go in between the hold and the packet: a send refused for funds (the hold)
      // writes none, and no packet exists that its indexes do not list (write-ahead).
      await this.deps.payments.fund(
        sender.userId,
        record.id,
        total,
        async () => {
          await this.indexAhead(record, now, options.indexAhead);
          return store.packets.createPacket(record, shares);
        },
        () => packetRows(record, shares),
      );
    } catch (err) {
      await undoRisk?.();
      throw err;
    }
    this.facts.remember(record);
    const view = packetView(record);
    this.deps.broadcaster.toRoom(roomId, 'packet:created', view);
    return view;
  }

  /**
   * Writes the packet's index entries (phrase, fence, the caller's) before the packet exists.
   * Called with the sender's money held, so only a funded send gets this far.
   *
   * Why ahead and not after: a crash between an index write and the packet leaves an entry
   * pointing at nothing, which every reader skips (the grab answers NOT_FOUND and
   * phrase-service leaves it out, and the entry lapses with the packet's expiry; the nearby
   * search unindexes it a minute on; the inbox listing skips it until INBOX_CAP pushes it
   * out). Writing after the packet would turn the same crash into a funded packet nobody can
   * find by its phrase, place or inbox (the sweeper would still refund it at expiry).
   * Why behind the hold: a refused hold is what a request alone can cause, as often as it
   * likes; an entry pointing at nothing now needs a crash or a store failure.
   * A failure here fails the send: Payments.fund aborts the packet and releases the hold.
   * Entries of a send that fails after this point are left for the readers, not removed: a
   * store that failed may have created the packet after all.
   */
  private async indexAhead(record: PacketRecord, now: number, callers?: () => Promise<void>): Promise<void> {
    const { codes, fences } = this.deps.store;
    const { id: packetId, expiresAt, unlock, fence } = record;
    await Promise.all([
      unlock?.type === 'phrase'
        ? codes.indexPhrase(record.roomId, { packetId, phrase: unlock.phrase, expiresAt }, now)
        : undefined,
      fence ? fences.index({ packetId, ...fence, expiresAt, at: now }) : undefined,
      callers?.(),
    ]);
  }

  /** Refuses (CONTENT_BLOCKED) a packet whose greeting, phrase or song title or link hits a word list. */
  private async screen(sender: UserRef, spec: PacketSpec): Promise<void> {
    const check = this.deps.screenText;
    if (!check) return;
    await check(sender, 'greeting', spec.greeting);
    if (spec.unlock?.type === 'phrase') await check(sender, 'phrase', spec.unlock.phrase);
    if (spec.unlock?.type === 'listen') {
      await check(sender, 'song-title', spec.unlock.song.title);
      await check(sender, 'song-url', spec.unlock.song.url);
    }
  }

  /**
   * Its room, and whether it is fenced (then the fence, not the room, decides who claims);
   * NOT_FOUND if there is no such packet.
   */
  audienceOf(packetId: string): Promise<PacketFact> {
    return this.facts.of(packetId);
  }

  /**
   * Grabs one share for `user`: at most one per (packet, user), whatever the retries. The
   * claim and its credit are one store step where the store allows (grabAndCredit), else the
   * claim is paid by Payments.pay (Redis Cluster).
   * Once this node knows the packet is empty or expired it answers so without a store call,
   * to everyone (a winner's late retry included: their share shows in their wallet and in
   * GET /v1/packets/:id).
   * Every way to claim a packet ends here, so every claim passes the risk gate
   * (services/risk/claim-risk.ts) and, for a room grab (`via.inRoom`), the room check.
   * @param via how the claim came: `via.conn`, the grabbing connection — when the credit
   *   lands in the grab step, the result carries the new balance and `wallet:updated` goes to
   *   the user's other connections only (the ack already tells this one; the SDK raises
   *   `wallet:updated` from it); the caller's address and device for the gate.
   */
  grab(user: UserRef, packetId: string, pass?: GrabRequest, via: ClaimVia = {}): Promise<GrabResult> {
    return this.deps.claimRisk.guardClaim(user.userId, packetId, via, async () => {
      // Before the packet's facts are read: a fenced node's Redis may not hold them yet.
      this.deps.payments.ensureLedger();
      if (via.inRoom) {
        const { roomId, fenced } = await this.facts.of(packetId);
        // A fenced packet is for whoever is inside its fence, in its room or not (the drifting
        // 同城 packet found by packet:nearby): its fence, checked in the grab step, decides.
        if (!fenced && !via.inRoom(roomId)) throw notInRoom(roomId);
      }
      return this.grabTimed(user, packetId, pass, via.conn);
    });
  }

  private async grabTimed(
    user: UserRef,
    packetId: string,
    pass: GrabRequest | undefined,
    conn: string | undefined,
  ): Promise<GrabResult> {
    const started = performance.now();
    let outcomeLabel = 'error';
    try {
      const result = await this.queue.run(
        packetId,
        this.facts.peek(packetId)?.shares,
        () => this.grabOnce(user, packetId, pass, conn),
        (r) => r.remaining,
        closedReasonOf,
      );
      outcomeLabel = 'ok';
      return result;
    } catch (err) {
      if (err instanceof GameError) outcomeLabel = err.code;
      throw err;
    } finally {
      this.deps.metrics.grabLatency.observe({ outcome: outcomeLabel }, (performance.now() - started) / 1000);
    }
  }

  private async grabOnce(
    user: UserRef,
    packetId: string,
    request: GrabRequest | undefined,
    conn: string | undefined,
  ): Promise<GrabResult> {
    const known = this.facts.closed(packetId);
    if (known) throw closedError(known);
    const { store, clock, broadcaster } = this.deps;
    const now = clock.now();
    const { location, phrase } = request ?? {};
    const pass = {
      ...(phrase !== undefined ? { phrase } : {}),
      ...(location ? { location: fencePass(location, this.deps.fence.accuracyCapM) } : {}),
    };
    this.deps.payments.ensureLedger();
    const outcome = await store.packets.grabAndCredit(packetId, user, now, pass, {
      // With PostgreSQL the credit stays in the outbox until its rows are committed.
      keepOutbox: this.deps.payments.ledger !== undefined,
    });
    switch (outcome.status) {
      case 'expired':
      case 'empty': {
        const reason = outcome.status === 'expired' ? 'PACKET_EXPIRED' : 'PACKET_EMPTY';
        this.markClosed(packetId, reason);
        throw closedError(reason);
      }
      case 'outside':
        if (location && outcome.distanceM !== null) {
          const { distanceM, expiresAt } = outcome;
          await this.deps.onFenceAttempt?.({ packetId, user, location, inside: false, distanceM, expiresAt });
        }
        throw outOfArea(outcome.radiusM, outcome.distanceM);
      case 'claimed':
        break;
      case 'already':
        // A retry: the claim stands; commit its rows again (a no-op if they landed) so the
        // answer comes from a committed claim, and a commit that failed is finished here.
        await this.deps.payments.record(claimLedgerRows(outcome.claim));
        throw refusalOf(outcome, now);
      default:
        throw refusalOf(outcome, now);
    }
    const { claim, packet } = outcome;
    // The store measured the distance when it let the grab through (no second haversine here).
    if (location && outcome.distanceM !== null) {
      const attempt = {
        packetId,
        user,
        location,
        inside: true,
        distanceM: outcome.distanceM,
        expiresAt: packet.expiresAt,
      };
      await this.deps.onFenceAttempt?.(attempt);
    }
    // The claim stands in the store whatever PostgreSQL does, so the room hears of it and a
    // last share closes the packet; the grabber's ack waits for the commit (acknowledged =
    // committed). Credited in the grab: commit, then notify; else Payments.pay commits, credits.
    // Without PostgreSQL a credit made in the grab has nothing to wait for: notified at once,
    // and no ledger rows are built.
    const { payments } = this.deps;
    let paid: Promise<void> | undefined;
    if (!outcome.credited) paid = payments.pay(creditOf(claim));
    else if (payments.ledger) {
      const { balance } = outcome;
      paid = payments.recordCredited(creditOf(claim)).then(() => {
        payments.credited(claim.userId, balance, conn);
      });
    } else payments.credited(claim.userId, outcome.balance, conn);
    paid?.catch(() => undefined); // awaited below, after the room's bookkeeping
    this.deps.grabs.add(packetId, packet.roomId, claimView(claim), packet.remainingCount);
    if (packet.status === 'finished') {
      this.markClosed(packetId, 'PACKET_EMPTY');
      if (packet.fence) await this.unindexFence(packetId);
      this.deps.grabs.flushRoom(packet.roomId);
      broadcaster.toRoom(packet.roomId, 'packet:finished', {
        packetId,
        roomId: packet.roomId,
        reason: 'empty',
        refunded: 0,
        bestLuck: bestLuckOf(packet),
      });
    }
    await paid;
    const result: GrabResult = { amount: claim.amount, remaining: packet.remainingCount };
    if (outcome.credited && conn !== undefined) result.balance = outcome.balance;
    return result;
  }

  /**
   * Cancels `user`'s timed packet before it opens and refunds all of it (FORBIDDEN for someone
   * else's packet or one already open). Idempotent across nodes: only the call that cancels it
   * refunds and announces it.
   */
  async cancel(user: UserRef, packetId: string): Promise<{ refunded: number }> {
    const outcome = await this.deps.store.packets.cancelPacket(packetId, user.userId, this.deps.clock.now());
    switch (outcome.status) {
      case 'missing':
        throw new GameError('NOT_FOUND', 'no such packet');
      case 'not-sender':
        throw new GameError('FORBIDDEN', 'only its sender can cancel a packet');
      case 'opened':
        throw new GameError('FORBIDDEN', 'a packet can be cancelled only before it opens');
      case 'closed':
        throw new GameError('FORBIDDEN', 'the packet is no longer open');
      case 'cancelled':
        break;
    }
    const { packet, refund } = outcome;
    this.facts.close(packetId, 'PACKET_EXPIRED');
    if (packet.fence) await this.unindexFence(packetId);
    // Announced whatever the refund's commit does: the packet is cancelled in the store.
    const paid = this.deps.payments.pay(refund);
    paid.catch(() => undefined);
    this.deps.broadcaster.toRoom(packet.roomId, 'packet:finished', {
      packetId,
      roomId: packet.roomId,
      reason: 'cancelled',
      refunded: refund.amount,
      bestLuck: null,
    });
    // Acknowledged once committed; if not, the reconciler commits and pays it from the outbox.
    await paid;
    return { refunded: refund.amount };
  }

  /**
   * Refunds one due packet's remainder to its sender. Idempotent across calls and nodes:
   * only the call that expires it announces it.
   */
  async expire(packetId: string): Promise<boolean> {
    const outcome = await this.deps.store.packets.expirePacket(packetId, this.deps.clock.now());
    if (outcome.status !== 'expired') return false;
    const { packet, refund } = outcome;
    this.markClosed(packetId, 'PACKET_EXPIRED');
    if (packet.fence) await this.unindexFence(packetId);
    if (refund) await this.deps.payments.payLater(refund);
    this.deps.metrics.expired.inc();
    this.deps.broadcaster.toRoom(packet.roomId, 'packet:finished', {
      packetId,
      roomId: packet.roomId,
      reason: 'expired',
      refunded: refund?.amount ?? 0,
      bestLuck: bestLuckOf(packet),
    });
    return true;
  }

  /**
   * Takes a closed fenced packet out of the nearby index. A failure is logged, not thrown: the
   * money step already happened, and the search drops entries of closed packets it meets.
   */
  private async unindexFence(packetId: string): Promise<void> {
    await this.deps.store.fences.unindex([packetId]).catch((err: unknown) => {
      this.deps.log.warn({ err, packetId }, 'could not take a fenced packet out of the nearby index');
    });
  }

  /** A refused fenced grab's packet expiry, for how long its claim log is kept. */
  /** What another node learned: later grabs of the packet here are answered without the store. */
  learnClosed(packetId: string, reason: ExhaustedReason): void {
    this.facts.close(packetId, reason);
  }

  /** Remembers a closed packet and tells the other nodes (once per node and packet). */
  private markClosed(packetId: string, reason: ExhaustedReason): void {
    if (this.facts.closed(packetId) === reason) return;
    this.facts.close(packetId, reason);
    this.deps.onClosed?.(packetId, reason);
  }

  /** A packet with every claim, for GET /v1/packets/:id. */
  async details(packetId: string): Promise<PacketDetails> {
    const [packet, claims] = await Promise.all([
      this.deps.store.packets.getPacket(packetId),
      this.deps.store.packets.getClaims(packetId),
    ]);
    if (!packet) throw new GameError('NOT_FOUND', 'no such packet');
    return { packet: packetView(packet), claims: claims.map(claimView), bestLuck: bestLuckOf(packet) };
  }
}

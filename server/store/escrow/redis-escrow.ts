/**
 * Escrow over Redis (escrow-store.ts): tombstones (escrow-abort-funded.lua on the source's slot),
 * acking landed credits, the reconciler's rolling scan for stale ones, and retiring closed
 * packets and rains from the live-packet index (their data stays readable for
 * RETAIN_CLOSED_MS). Which keys a source has depends on its kind: `sourceKeys` is that seam.
 */
import { fundedSourceOf } from '../../domain/ids.js';
import type { EscrowStore } from './escrow-store.js';
import { decodeCredit } from '../redis/codec.js';
import { RedisPart } from '../redis/part.js';
import type { Credit } from '../wallets/wallet-store.js';

/** How long a closed packet's data stays readable (GET /v1/packets/:id) after it is done. */
const RETAIN_CLOSED_MS = 7 * 86_400_000;
/** Live packets whose outboxes one listStaleCredits call inspects. */
const OUTBOX_PAGE = 200;

export class RedisEscrow extends RedisPart implements EscrowStore {
  /** Where the rolling outbox scan of listStaleCredits continues. */
  private outboxCursor = 0;

  /** Drops a finished-with packet or rain from the live index; its data expires later. */
  async retire(id: string): Promise<void> {
    const k = this.keys;
    const dataKeys =
      fundedSourceOf(id) === 'rain'
        ? [
            k.rain(id),
            k.rainOrder(id),
            k.rainClaims(id),
            k.rainBoard(id),
            k.rainBoardInfo(id),
            k.rainOutbox(id),
            k.rainDrops(id),
            k.rainDraws(id),
            k.rainBatches(id),
            k.rainLog(id),
          ]
        : [k.packet(id), k.shares(id), k.claims(id), k.outbox(id), k.listens(id), k.unlocked(id)];
    await Promise.all([
      this.redis.zrem(k.livePackets(), id),
      ...dataKeys.map((key) => this.redis.pexpire(key, RETAIN_CLOSED_MS)),
    ]);
  }

  /** The hash holding a packet's or rain's status, its outbox and its tombstone. */
  private sourceKeys(id: string): { record: string; outbox: string; tomb: string } {
    const k = this.keys;
    return fundedSourceOf(id) === 'rain'
      ? { record: k.rain(id), outbox: k.rainOutbox(id), tomb: k.rainTombstone(id) }
      : { record: k.packet(id), outbox: k.outbox(id), tomb: k.tombstone(id) };
  }

  abortFunded(id: string): Promise<'aborted' | 'exists'> {
    const source = this.sourceKeys(id);
    return this.script('escrow-abort-funded', [source.record, source.tomb], []);
  }

  ackCredits(sourceId: string, claimIds: string[]): Promise<void> {
    if (claimIds.length === 0) return Promise.resolve();
    return this.guard(async () => {
      await this.redis.hdel(this.sourceKeys(sourceId).outbox, ...claimIds);
    });
  }

  /**
   * Walks the live-packet index a page per call (continuing where the last call stopped), so
   * every live packet's outbox is looked at within (live packets / page) calls. Closed
   * packets with an empty outbox are retired on the way.
   */
  listStaleCredits(before: number, limit: number): Promise<Credit[]> {
    return this.guard(async () => {
      const ids = await this.redis.zrange(
        this.keys.livePackets(),
        this.outboxCursor,
        this.outboxCursor + OUTBOX_PAGE - 1,
      );
      this.outboxCursor = ids.length < OUTBOX_PAGE ? 0 : this.outboxCursor + OUTBOX_PAGE;
      const found: Credit[] = [];
      await Promise.all(
        ids.map(async (id) => {
          const source = this.sourceKeys(id);
          const [status, outbox] = await Promise.all([
            this.redis.hget(source.record, 'status'),
            this.redis.hvals(source.outbox),
          ]);
          const open = status === 'open' || status === 'scheduled' || status === 'running';
          if (status !== null && !open && outbox.length === 0) {
            await this.retire(id);
            return;
          }
          for (const raw of outbox) {
            const credit = decodeCredit(raw);
            if (credit.at < before) found.push(credit);
          }
        }),
      );
      return found.slice(0, limit);
    });
  }
}

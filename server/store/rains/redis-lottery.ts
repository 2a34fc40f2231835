/**
 * LotteryStore on Redis: rain-batch.lua and rain-draw.lua on the rain's `{n:<rainId>}` slot,
 * plus plain reads for the audit trail. Every key is the rain's, so this works unchanged on
 * Redis Cluster.
 */
import { z } from 'zod';
import { dropClaimId } from '../../domain/ids.js';
import { canonicalList } from '../../domain/rain-lottery.js';
import {
  GRAB_LOG_CAP,
  type BatchOutcome,
  type DrawOutcome,
  type DrawState,
  type DropBatch,
  type GrabLogEntry,
  type LotteryStore,
  type RainTrail,
} from './lottery-store.js';
import { luaList, oneOf, parseJson } from '../redis/codec.js';
import { RedisPart } from '../redis/part.js';
import { decodeDrop } from './redis-rains.js';

/** Ticket lists outlive a closed rain's retention (7 days) by a day, then expire. */
const TICKETS_RETAIN_MS = 8 * 86_400_000;

/** A batch's meta: digest, ticket count, candidates handed in. */
const batchMetaSchema = z.object({ h: z.string(), c: z.number(), k: z.number() });

/** A drawn drop's winners: who, how much. */
const winnersSchema = luaList(z.object({ u: z.string(), a: z.number() }));

export class RedisLottery extends RedisPart implements LotteryStore {
  submitBatch(rainId: string, dropId: string, batch: DropBatch): Promise<BatchOutcome> {
    const k = this.keys;
    const meta = JSON.stringify({ h: batch.digest, c: batch.tickets.length, k: batch.candidates.length });
    return this.guard(() =>
      this.script(
        'rain-batch',
        [
          k.rain(rainId),
          k.rainDrops(rainId),
          k.rainDraws(rainId),
          k.rainBatches(rainId),
          k.rainBatchList(rainId, dropId, batch.nodeId),
          k.rainCandidates(rainId, dropId),
          k.rainCandidateNames(rainId, dropId),
          k.rainLog(rainId),
        ],
        [
          dropId,
          batch.nodeId,
          meta,
          batch.tickets.join('\n'),
          TICKETS_RETAIN_MS,
          GRAB_LOG_CAP,
          batch.candidates.length,
          batch.log.length,
          ...batch.candidates.flatMap((c) => [c.userId, c.name, c.score]),
          ...batch.log.map(encodeLogEntry),
        ],
      ),
    );
  }

  drawDrop(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    graceMs: number,
    now: number,
  ): Promise<DrawOutcome> {
    const k = this.keys;
    return this.guard(async () => {
      const drawn = await this.script(
        'rain-draw',
        [
          k.rain(rainId),
          k.rainDrops(rainId),
          k.rainOrder(rainId),
          k.rainCandidates(rainId, dropId),
          k.rainCandidateNames(rainId, dropId),
          k.rainDraws(rainId),
          k.rainClaims(rainId),
          k.rainBoard(rainId),
          k.rainBoardInfo(rainId),
          k.rainOutbox(rainId),
        ],
        // The script names each winner's claim prefix + userId, which is dropClaimId.
        [nodeId, from, dropId, now, rainId, graceMs, dropClaimId(rainId, dropId, '')],
      );
      if (!drawn.ok) return drawn;
      return {
        ok: true,
        dropLeft: drawn.left,
        credits: drawn.winners.map((w) => ({
          claimId: dropClaimId(rainId, dropId, w.userId),
          userId: w.userId,
          amount: w.amount,
          sourceId: rainId,
          reason: 'drop' as const,
          at: now,
        })),
      };
    });
  }

  dropDraw(rainId: string, dropId: string): Promise<DrawState> {
    return this.guard(async () => {
      const [raw, status] = await Promise.all([
        this.redis.hget(this.keys.rainDraws(rainId), dropId),
        this.redis.hget(this.keys.rain(rainId), 'status'),
      ]);
      if (raw) return { state: 'drawn', winners: decodeWinners(raw) };
      return status === 'scheduled' || status === 'running' ? { state: 'open' } : { state: 'closed' };
    });
  }

  rainTrail(rainId: string): Promise<RainTrail | null> {
    const k = this.keys;
    return this.guard(async () => {
      const [order, drops, draws, claims, log, batchMeta] = await Promise.all([
        this.redis.lrange(k.rainOrder(rainId), 0, -1),
        this.redis.hgetall(k.rainDrops(rainId)),
        this.redis.hgetall(k.rainDraws(rainId)),
        this.redis.hgetall(k.rainClaims(rainId)),
        this.redis.lrange(k.rainLog(rainId), 0, -1),
        this.redis.hgetall(k.rainBatches(rainId)),
      ]);
      if (order.length === 0) return null;
      const batches = await Promise.all(
        Object.entries(batchMeta).map(async ([field, raw]) => {
          const [dropId = '', nodeId = ''] = field.split('\n');
          const meta = parseJson(batchMetaSchema, raw, 'batch');
          const list = await this.redis.get(k.rainBatchList(rainId, dropId, nodeId));
          const tickets = meta.c === 0 ? [] : list === null ? null : list.split('\n');
          return { dropId, batch: { nodeId, digest: meta.h, count: meta.c, candidates: meta.k, tickets } };
        }),
      );
      return {
        drops: order.map((dropId, index) => {
          const raw = drops[dropId];
          const draw = draws[dropId];
          const mine = batches.filter((b) => b.dropId === dropId).map((b) => b.batch);
          mine.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
          return {
            index,
            dropId,
            releasedAt: raw ? decodeDrop(raw).r : 0,
            tickets: canonicalList(mine.flatMap((b) => b.tickets ?? [])),
            batches: mine,
            winners: draw ? decodeWinners(draw) : null,
          };
        }),
        claims: Object.entries(claims).map(([key, amount]) => {
          const [dropId = '', userId = ''] = key.split('\n');
          return { dropId, userId, amount: Number(amount) };
        }),
        log: log.map(decodeLogEntry),
      };
    });
  }
}

function decodeWinners(raw: string): { userId: string; amount: number }[] {
  return parseJson(winnersSchema, raw, 'winners').map((p) => ({ userId: p.u, amount: p.a }));
}

function encodeLogEntry(e: GrabLogEntry): string {
  return `${e.userId}\t${e.dropIndex}\t${e.reactionMs}\t${e.outcome}`;
}

function decodeLogEntry(raw: string): GrabLogEntry {
  const [userId = '', dropIndex, reactionMs, outcome] = raw.split('\t');
  return {
    userId,
    dropIndex: Number(dropIndex),
    reactionMs: Number(reactionMs),
    outcome: oneOf(outcome, ['tap', 'ticket', 'early', 'rate']),
  };
}

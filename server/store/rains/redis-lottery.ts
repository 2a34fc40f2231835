/**
 * LotteryStore on Redis: rain-enter.lua and rain-draw.lua on the rain's `{n:<rainId>}` slot,
 * plus plain reads for the audit trail. Every key is the rain's, so this works unchanged on
 * Redis Cluster.
 */
import { z } from 'zod';
import type { UserRef } from '@red-packet/sdk/protocol';
import { dropClaimId } from '../../domain/ids.js';
import {
  GRAB_LOG_CAP,
  type DrawOutcome,
  type DrawState,
  type EnterOutcome,
  type GrabLogEntry,
  type LotteryStore,
  type RainTrail,
  type Ticket,
} from './lottery-store.js';
import { luaList, oneOf, parseJson } from '../redis/codec.js';
import { RedisPart } from '../redis/part.js';
import { decodeDrop } from './redis-rains.js';

/** Ticket lists outlive a closed rain's retention (7 days) by a day, then expire. */
const TICKETS_RETAIN_MS = 8 * 86_400_000;

/** A ticket: who, their name, when. */
const ticketSchema = z.object({ u: z.string(), n: z.string(), t: z.number() });

/** A drawn drop's winners: who, how much. */
const winnersSchema = luaList(z.object({ u: z.string(), a: z.number() }));

export class RedisLottery extends RedisPart implements LotteryStore {
  enterDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<EnterOutcome> {
    const k = this.keys;
    return this.guard(async () => {
      return this.script(
        'rain-enter',
        [
          k.rain(rainId),
          k.rainDrops(rainId),
          k.rainDraws(rainId),
          k.rainTaps(rainId),
          k.rainLog(rainId),
          k.rainTickets(rainId, dropId),
          k.rainEntrants(rainId),
          k.rainBoardInfo(rainId),
        ],
        [dropId, user.userId, user.name, now, GRAB_LOG_CAP, TICKETS_RETAIN_MS],
      );
    });
  }

  dropTickets(rainId: string, dropId: string): Promise<{ releasedAt: number; tickets: Ticket[] } | null> {
    return this.guard(async () => {
      const [raw, tickets] = await Promise.all([
        this.redis.hget(this.keys.rainDrops(rainId), dropId),
        this.redis.lrange(this.keys.rainTickets(rainId, dropId), 0, -1),
      ]);
      const releasedAt = raw ? decodeDrop(raw).r : 0;
      if (releasedAt === 0) return null;
      return { releasedAt, tickets: tickets.map(decodeTicket) };
    });
  }

  drawDrop(
    rainId: string,
    nodeId: string,
    from: number,
    dropId: string,
    ticketCount: number,
    order: readonly string[],
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
          k.rainTickets(rainId, dropId),
          k.rainDraws(rainId),
          k.rainClaims(rainId),
          k.rainBoard(rainId),
          k.rainBoardInfo(rainId),
          k.rainOutbox(rainId),
        ],
        // The script names each winner's claim prefix + userId, which is dropClaimId.
        [nodeId, from, dropId, ticketCount, now, rainId, dropClaimId(rainId, dropId, ''), ...order],
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
      const [order, drops, draws, claims, log] = await Promise.all([
        this.redis.lrange(k.rainOrder(rainId), 0, -1),
        this.redis.hgetall(k.rainDrops(rainId)),
        this.redis.hgetall(k.rainDraws(rainId)),
        this.redis.hgetall(k.rainClaims(rainId)),
        this.redis.lrange(k.rainLog(rainId), 0, -1),
      ]);
      if (order.length === 0) return null;
      const tickets = await Promise.all(
        order.map((dropId) => this.redis.lrange(k.rainTickets(rainId, dropId), 0, -1)),
      );
      return {
        drops: order.map((dropId, index) => {
          const raw = drops[dropId];
          const draw = draws[dropId];
          return {
            index,
            dropId,
            releasedAt: raw ? decodeDrop(raw).r : 0,
            tickets: (tickets[index] ?? []).map((t) => decodeTicket(t).userId),
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

function decodeTicket(raw: string): Ticket {
  const t = parseJson(ticketSchema, raw, 'ticket');
  return { userId: t.u, name: t.n, at: t.t };
}

function decodeWinners(raw: string): { userId: string; amount: number }[] {
  return parseJson(winnersSchema, raw, 'winners').map((p) => ({ userId: p.u, amount: p.a }));
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

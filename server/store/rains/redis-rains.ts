/**
 * Rains over Redis (rain-store.ts): one Lua script per atomic step on the rain's `{n:<rainId>}`
 * slot. The active-rain index and the room's rain index live elsewhere and are written ahead
 * of creation (readers skip ids with no rain behind them).
 */
import { z } from 'zod';
import type { LeaderboardEntry, UserRef } from '@red-packet/sdk/protocol';
import { dropClaimId, rainRefundId } from '../../domain/ids.js';
import { dropWindowOpen, isRainActive } from '../../domain/rain-rules.js';
import { luaList, oneOf, parseJson } from '../redis/codec.js';
import { RedisPart } from '../redis/part.js';
import type { CreateResult } from '../packets/packet-store.js';
import type {
  ActiveDrop,
  DropGrabOutcome,
  EndRainOutcome,
  LeaseResult,
  RainRecord,
  RainStore,
  ReleaseResult,
} from './rain-store.js';

/** How a drop is stored: index, releasedAt (0 = not yet), initial share count, shares left. */
const dropSchema = z.object({ i: z.number(), r: z.number(), n: z.number(), s: luaList(z.number()) });

export const decodeDrop = (json: string): z.output<typeof dropSchema> => parseJson(dropSchema, json, 'drop');

/** A leaderboard entry's name and grab count. */
const boardInfoSchema = z.object({ name: z.string(), grabs: z.number() });

const decodeBoardInfo = (json: string) => parseJson(boardInfoSchema, json, 'leaderboard info');

/** The part of a rain that never changes (rains before fair rains lack the LEGACY_RAIN fields). */
const staticRainSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  hostId: z.string(),
  hostName: z.string(),
  total: z.number(),
  drops: z.number(),
  sharesPerDrop: z.number(),
  split: z.enum(['lucky', 'equal']),
  startAt: z.number(),
  durationMs: z.number(),
  dropTtlMs: z.number(),
  maxGrabsPerUser: z.number().nullable(),
  mode: z.enum(['race', 'lottery']).optional(),
  windowMs: z.number().optional(),
  reactionFloorMs: z.number().optional(),
  maxTapsPerSec: z.number().optional(),
  seedHash: z.string().optional(),
  createdAt: z.number(),
  seed: z.string(),
});

type StaticRain = Omit<
  RainRecord,
  | 'status'
  | 'released'
  | 'lastReleaseAt'
  | 'paid'
  | 'grabs'
  | 'refunded'
  | 'remainingAmount'
  | 'endedAt'
  | 'leaseOwner'
  | 'leaseUntil'
  | 'drawn'
>;

export function staticRain(r: RainRecord): StaticRain {
  const {
    status: _s,
    released: _r,
    lastReleaseAt: _l,
    paid: _p,
    grabs: _g,
    refunded: _f,
    remainingAmount: _a,
    endedAt: _e,
    leaseOwner: _o,
    leaseUntil: _u,
    drawn: _d,
    ...rest
  } = r;
  return rest;
}

/** Rains scheduled before fair rains (docs/fairness.md) were first-come, with no commitment. */
const LEGACY_RAIN = {
  mode: 'race',
  windowMs: 0,
  reactionFloorMs: 0,
  maxTapsPerSec: 0,
  seedHash: '',
} as const satisfies Partial<RainRecord>;

export function decodeRain(h: Record<string, string>): RainRecord {
  const record = parseJson(staticRainSchema, h.record ?? '{}', 'rain record');
  const num = (field: string): number => Number(h[field] ?? 0);
  return {
    ...LEGACY_RAIN,
    ...record,
    status: oneOf(h.status ?? 'scheduled', ['scheduled', 'running', 'ended', 'cancelled']),
    released: num('released'),
    lastReleaseAt: num('lastReleaseAt'),
    paid: num('paid'),
    grabs: num('grabs'),
    refunded: num('refunded'),
    remainingAmount: num('remainingAmount'),
    endedAt: num('endedAt') || null,
    leaseOwner: h.leaseOwner || null,
    leaseUntil: num('leaseUntil'),
    drawn: num('drawn'),
  };
}

export class RedisRains extends RedisPart implements RainStore {
  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult> {
    return this.guard(async () => {
      const k = this.keys;
      await Promise.all([
        this.redis.zadd(k.activeRains(), rain.startAt, rain.id),
        this.redis.zadd(k.livePackets(), rain.startAt, rain.id),
        this.redis.zadd(k.roomRains(rain.roomId), rain.startAt, rain.id),
      ]);
      const dropArgs = drops.flatMap((d, i) => [
        d.dropId,
        JSON.stringify({ i, r: 0, n: d.shares.length, s: d.shares }),
      ]);
      const result = await this.script(
        'rain-create',
        [k.rain(rain.id), k.rainDrops(rain.id), k.rainOrder(rain.id), k.rainTombstone(rain.id)],
        [
          JSON.stringify(staticRain(rain)),
          rain.total,
          rain.startAt,
          rain.dropTtlMs,
          rain.maxGrabsPerUser ?? 0,
          ...dropArgs,
        ],
      );
      if (result === 'aborted') await this.unindex(rain.id, rain.roomId);
      return result;
    });
  }

  private async unindex(rainId: string, roomId: string): Promise<void> {
    await Promise.all([
      this.redis.zrem(this.keys.activeRains(), rainId),
      this.redis.zrem(this.keys.livePackets(), rainId),
      this.redis.zrem(this.keys.roomRains(roomId), rainId),
    ]);
  }

  getRain(rainId: string): Promise<RainRecord | null> {
    return this.guard(async () => {
      const h = await this.redis.hgetall(this.keys.rain(rainId));
      return h.record ? decodeRain(h) : null;
    });
  }

  listActiveRains(limit: number): Promise<string[]> {
    return this.guard(async () => {
      return this.redis.zrange(this.keys.activeRains(), 0, limit - 1);
    });
  }

  listRoomRains(roomId: string): Promise<RainRecord[]> {
    return this.guard(async () => {
      const index = this.keys.roomRains(roomId);
      const ids = await this.redis.zrange(index, 0, -1);
      const rains = await Promise.all(ids.map((id) => this.getRain(id)));
      const closed = ids.filter((_, i) => rains[i] && !isRainActive(rains[i]));
      if (closed.length > 0) await this.redis.zrem(index, ...closed);
      return rains.filter((r): r is RainRecord => r !== null && isRainActive(r));
    });
  }

  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    return this.guard(async () => {
      const lease = await this.script('rain-lease', [this.keys.rain(rainId)], [nodeId, now, ttlMs]);
      const rain = lease.rain ? decodeRain(lease.rain) : null;
      return lease.acquired && rain ? { acquired: true, rain } : { acquired: false, rain };
    });
  }

  releaseRainLease(rainId: string, nodeId: string): Promise<void> {
    return this.guard(async () => {
      await this.script('rain-lease-release', [this.keys.rain(rainId)], [nodeId]);
    });
  }

  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult> {
    return this.guard(async () => {
      const k = this.keys;
      return this.script(
        'rain-release',
        [k.rain(rainId), k.rainDrops(rainId), k.rainOrder(rainId)],
        [nodeId, from, now, leaseTtlMs, ...dropIds],
      );
    });
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    return this.guard(async () => {
      const k = this.keys;
      const claimId = dropClaimId(rainId, dropId, user.userId);
      const reply = await this.script(
        'rain-grab',
        [
          k.rain(rainId),
          k.rainDrops(rainId),
          k.rainClaims(rainId),
          k.rainBoard(rainId),
          k.rainBoardInfo(rainId),
          k.rainOutbox(rainId),
        ],
        [rainId, dropId, user.userId, user.name, now, claimId],
      );
      if (reply.status !== 'claimed') return reply;
      return {
        status: 'claimed',
        credit: {
          claimId,
          userId: user.userId,
          amount: reply.amount,
          sourceId: rainId,
          reason: 'drop',
          at: now,
        },
        dropLeft: reply.left,
      };
    });
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    return this.guard(async () => {
      const k = this.keys;
      const reply = await this.script(
        'rain-end',
        [k.rain(rainId), k.rainDrops(rainId), k.rainOutbox(rainId), k.rainBoard(rainId)],
        [now, reason, rainRefundId(rainId), rainId],
      );
      if (reply.status !== 'ended')
        return { status: 'noop', rain: reply.rain ? decodeRain(reply.rain) : null };
      await this.redis.zrem(k.activeRains(), rainId);
      return { ...reply, rain: decodeRain(reply.rain) };
    });
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    return this.guard(async () => {
      const flat = await this.redis.zrevrange(this.keys.rainBoard(rainId), 0, limit - 1, 'WITHSCORES');
      const ids = flat.filter((_, i) => i % 2 === 0);
      if (ids.length === 0) return [];
      const infos = await this.redis.hmget(this.keys.rainBoardInfo(rainId), ...ids);
      return ids.map((userId, i) => {
        const info = decodeBoardInfo(infos[i] ?? '{"name":"","grabs":0}');
        return { userId, name: info.name, amount: Number(flat[i * 2 + 1]), grabs: info.grabs };
      });
    });
  }

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }> {
    return this.guard(async () => {
      const [score, info] = await Promise.all([
        this.redis.zscore(this.keys.rainBoard(rainId), userId),
        this.redis.hget(this.keys.rainBoardInfo(rainId), userId),
      ]);
      return { grabs: info ? decodeBoardInfo(info).grabs : 0, amount: Number(score ?? 0) };
    });
  }

  dropReleasedAt(rainId: string, dropId: string): Promise<number | null> {
    return this.guard(async () => {
      const raw = await this.redis.hget(this.keys.rainDrops(rainId), dropId);
      return raw === null ? null : decodeDrop(raw).r;
    });
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    return this.guard(async () => {
      const rain = await this.getRain(rainId);
      if (rain?.status !== 'running') return [];
      const raw = await this.redis.hgetall(this.keys.rainDrops(rainId));
      return Object.entries(raw)
        .map(([dropId, json]) => ({ dropId, d: decodeDrop(json) }))
        .filter(({ d }) => d.s.length > 0 && dropWindowOpen(d.r, rain.dropTtlMs, now))
        .sort((a, b) => a.d.i - b.d.i)
        .map(({ dropId, d }) => ({ dropId, releasedAt: d.r, left: d.s.length, shares: d.n }));
    });
  }
}

/**
 * Rains over Redis (rain-store.ts): one Lua script per atomic step on the rain's `{n:<rainId>}`
 * slot. The active-rain index and the room's rain index live elsewhere and are written ahead
 * of creation (readers skip ids with no rain behind them).
 */
import type { LeaderboardEntry, RainStatus, UserRef } from '@red-packet/sdk/protocol';
import { dropClaimId, rainRefundId } from '../../domain/ids.js';
import { dropWindowOpen, isRainActive } from '../../domain/rain-rules.js';
import { decodeCredit, pairs } from '../redis/codec.js';
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
interface StoredDrop {
  i: number;
  r: number;
  n: number;
  /** cjson writes an empty list as `{}`. */
  s: number[] | Record<string, never>;
}

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

function staticRain(r: RainRecord): StaticRain {
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
  const record = JSON.parse(h.record ?? '{}') as StaticRain;
  const num = (field: string): number => Number(h[field] ?? 0);
  return {
    ...LEGACY_RAIN,
    ...record,
    status: (h.status ?? 'scheduled') as RainStatus,
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

const sharesLeft = (d: StoredDrop): number => (Array.isArray(d.s) ? d.s.length : 0);

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
      const result = (await this.script(
        'create-rain',
        [k.rain(rain.id), k.rainDrops(rain.id), k.rainOrder(rain.id), k.rainTombstone(rain.id)],
        [
          JSON.stringify(staticRain(rain)),
          rain.total,
          rain.startAt,
          rain.dropTtlMs,
          rain.maxGrabsPerUser ?? 0,
          ...dropArgs,
        ],
      )) as CreateResult;
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
      const [acquired, ...rest] = (await this.script(
        'rain-lease',
        [this.keys.rain(rainId)],
        [nodeId, now, ttlMs],
      )) as [number, ...string[]];
      const rain = rest.length > 0 ? decodeRain(pairs(rest)) : null;
      return acquired === 1 && rain ? { acquired: true, rain } : { acquired: false, rain };
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
      const [status, started] = (await this.script(
        'rain-release',
        [k.rain(rainId), k.rainDrops(rainId), k.rainOrder(rainId)],
        [nodeId, from, now, leaseTtlMs, ...dropIds],
      )) as [string, number?];
      if (status === 'ok') return { ok: true, started: started === 1 };
      return { ok: false, reason: status as 'lease-lost' | 'cursor-moved' | 'closed' };
    });
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    return this.guard(async () => {
      const k = this.keys;
      const claimId = dropClaimId(rainId, dropId, user.userId);
      const [status, amount, left] = (await this.script(
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
      )) as [string, number?, number?];
      if (status !== 'claimed') return { status: status as Exclude<DropGrabOutcome['status'], 'claimed'> };
      return {
        status: 'claimed',
        credit: {
          claimId,
          userId: user.userId,
          amount: Number(amount),
          sourceId: rainId,
          reason: 'drop',
          at: now,
        },
        dropLeft: Number(left),
      };
    });
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    return this.guard(async () => {
      const k = this.keys;
      const reply = (await this.script(
        'rain-end',
        [k.rain(rainId), k.rainDrops(rainId), k.rainOutbox(rainId), k.rainBoard(rainId)],
        [now, reason, rainRefundId(rainId), rainId],
      )) as (string | number)[];
      if (reply[0] !== 'ended') {
        const rest = reply.slice(1).map(String);
        return { status: 'noop', rain: rest.length > 0 ? decodeRain(pairs(rest)) : null };
      }
      const [, refund, winners, ...rest] = reply;
      const rain = decodeRain(pairs(rest.map(String)));
      await this.redis.zrem(k.activeRains(), rainId);
      return {
        status: 'ended',
        rain,
        refund: refund ? decodeCredit(String(refund)) : null,
        winners: Number(winners),
      };
    });
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    return this.guard(async () => {
      const flat = await this.redis.zrevrange(this.keys.rainBoard(rainId), 0, limit - 1, 'WITHSCORES');
      const ids = flat.filter((_, i) => i % 2 === 0);
      if (ids.length === 0) return [];
      const infos = await this.redis.hmget(this.keys.rainBoardInfo(rainId), ...ids);
      return ids.map((userId, i) => {
        const info = JSON.parse(infos[i] ?? '{"name":"","grabs":0}') as { name: string; grabs: number };
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
      return { grabs: info ? (JSON.parse(info) as { grabs: number }).grabs : 0, amount: Number(score ?? 0) };
    });
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    return this.guard(async () => {
      const rain = await this.getRain(rainId);
      if (rain?.status !== 'running') return [];
      const raw = await this.redis.hgetall(this.keys.rainDrops(rainId));
      return Object.entries(raw)
        .map(([dropId, json]) => ({ dropId, d: JSON.parse(json) as StoredDrop }))
        .filter(({ d }) => sharesLeft(d) > 0 && dropWindowOpen(d.r, rain.dropTtlMs, now))
        .sort((a, b) => a.d.i - b.d.i)
        .map(({ dropId, d }) => ({ dropId, releasedAt: d.r, left: sharesLeft(d), shares: d.n }));
    });
  }
}

/**
 * RainStore over the rain scripts (redis-rains.ts), each call guarded so a Redis failure
 * surfaces as StoreUnavailableError.
 */
import type { Cluster, Redis } from 'ioredis';
import type { LeaderboardEntry, UserRef } from '@red-packet/sdk/protocol';
import type { CreateResult } from './packets/packet-store.js';
import type {
  ActiveDrop,
  DropGrabOutcome,
  EndRainOutcome,
  LeaseResult,
  RainRecord,
  RainStore,
  ReleaseResult,
} from './rains/rain-store.js';
import type { RedisKeys } from './redis/keys.js';
import { RedisPart } from './redis/part.js';
import { RedisRains } from './rains/redis-rains.js';

export class RedisRainStore extends RedisPart implements RainStore {
  private readonly rains: RedisRains;

  constructor(redis: Redis | Cluster, keys: RedisKeys) {
    super(redis, keys);
    this.rains = new RedisRains(redis, keys);
  }

  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult> {
    return this.guard(() => this.rains.create(rain, drops));
  }

  getRain(rainId: string): Promise<RainRecord | null> {
    return this.guard(() => this.rains.get(rainId));
  }

  listActiveRains(limit: number): Promise<string[]> {
    return this.guard(() => this.rains.listActive(limit));
  }

  listRoomRains(roomId: string): Promise<RainRecord[]> {
    return this.guard(() => this.rains.listRoom(roomId));
  }

  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    return this.guard(() => this.rains.acquireLease(rainId, nodeId, now, ttlMs));
  }

  releaseRainLease(rainId: string, nodeId: string): Promise<void> {
    return this.guard(() => this.rains.releaseLease(rainId, nodeId));
  }

  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult> {
    return this.guard(() => this.rains.releaseDrops(rainId, nodeId, from, dropIds, now, leaseTtlMs));
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    return this.guard(() => this.rains.grabDrop(rainId, dropId, user, now));
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    return this.guard(() => this.rains.end(rainId, now, reason));
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    return this.guard(() => this.rains.leaderboard(rainId, limit));
  }

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }> {
    return this.guard(() => this.rains.userStats(rainId, userId));
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    return this.guard(() => this.rains.activeDrops(rainId, now));
  }
}

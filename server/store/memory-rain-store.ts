/**
 * RainStore over the memory rain engine (memory-rains.ts): each call is one synchronous step
 * of MemoryRains, so each is atomic.
 */
import type { LeaderboardEntry, UserRef } from '@red-packet/sdk/protocol';
import type { MemoryRains } from './rains/memory-rains.js';
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

export class MemoryRainStore implements RainStore {
  constructor(private readonly rains: MemoryRains) {}

  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult> {
    return Promise.resolve(this.rains.create(rain, drops));
  }

  getRain(rainId: string): Promise<RainRecord | null> {
    return Promise.resolve(this.rains.get(rainId));
  }

  listActiveRains(limit: number): Promise<string[]> {
    return Promise.resolve(this.rains.listActive(limit));
  }

  listRoomRains(roomId: string): Promise<RainRecord[]> {
    return Promise.resolve(this.rains.listRoom(roomId));
  }

  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    return Promise.resolve(this.rains.acquireLease(rainId, nodeId, now, ttlMs));
  }

  releaseRainLease(rainId: string, nodeId: string): Promise<void> {
    this.rains.releaseLease(rainId, nodeId);
    return Promise.resolve();
  }

  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult> {
    try {
      return Promise.resolve(this.rains.releaseDrops(rainId, nodeId, from, dropIds, now, leaseTtlMs));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    return Promise.resolve(this.rains.grabDrop(rainId, dropId, user, now));
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    return Promise.resolve(this.rains.end(rainId, now, reason));
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    return Promise.resolve(this.rains.leaderboard(rainId, limit));
  }

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }> {
    return Promise.resolve(this.rains.userStats(rainId, userId));
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    return Promise.resolve(this.rains.activeDrops(rainId, now));
  }
}

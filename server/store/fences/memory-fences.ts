/** FenceStore in this process's memory (see fence-store.ts); each method runs to completion. */
import { haversineM } from '../../domain/geo-fence.js';
import {
  FENCE_LOG_CAP,
  type FenceAttempt,
  type FenceEntry,
  type FenceHit,
  type FenceStore,
} from './fence-store.js';

export class MemoryFences implements FenceStore {
  private readonly entries = new Map<string, FenceEntry>();
  /** packet → attempts, oldest first. */
  private readonly logs = new Map<string, FenceAttempt[]>();
  /** packet → user → refused attempts. */
  private readonly refused = new Map<string, Map<string, number>>();

  index(entry: FenceEntry): Promise<void> {
    this.entries.set(entry.packetId, { ...entry });
    return Promise.resolve();
  }

  unindex(packetIds: string[]): Promise<void> {
    for (const id of packetIds) this.entries.delete(id);
    return Promise.resolve();
  }

  nearby(
    point: { lat: number; lng: number },
    radiusM: number,
    now: number,
    limit: number,
  ): Promise<FenceHit[]> {
    const hits: FenceHit[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(id);
        continue;
      }
      const distanceM = haversineM(point, entry);
      if (distanceM <= radiusM) hits.push({ ...entry, distanceM });
    }
    hits.sort((a, b) => a.distanceM - b.distanceM || a.packetId.localeCompare(b.packetId));
    return Promise.resolve(hits.slice(0, limit));
  }

  recordAttempt(packetId: string, attempt: FenceAttempt): Promise<number> {
    const log = this.logs.get(packetId) ?? [];
    log.push({ ...attempt });
    if (log.length > FENCE_LOG_CAP) log.splice(0, log.length - FENCE_LOG_CAP);
    this.logs.set(packetId, log);
    const users = this.refused.get(packetId) ?? new Map<string, number>();
    this.refused.set(packetId, users);
    if (attempt.inside) return Promise.resolve(users.get(attempt.userId) ?? 0);
    const count = (users.get(attempt.userId) ?? 0) + 1;
    users.set(attempt.userId, count);
    return Promise.resolve(count);
  }

  attempts(packetId: string, limit: number): Promise<FenceAttempt[]> {
    const log = this.logs.get(packetId) ?? [];
    return Promise.resolve(
      log
        .slice(-limit)
        .reverse()
        .map((a) => ({ ...a })),
    );
  }
}

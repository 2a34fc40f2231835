import type { DropView, RainView } from '@red-packet/sdk/protocol';
import type { DropPlan } from '../../domain/rain-timeline.js';
import type { RainRecord } from '../../store/store.js';

/** What clients see of a rain: never its seed or lease. */
export function rainView(r: RainRecord): RainView {
  return {
    id: r.id,
    roomId: r.roomId,
    hostId: r.hostId,
    hostName: r.hostName,
    total: r.total,
    drops: r.drops,
    sharesPerDrop: r.sharesPerDrop,
    split: r.split,
    startAt: r.startAt,
    durationMs: r.durationMs,
    dropTtlMs: r.dropTtlMs,
    maxGrabsPerUser: r.maxGrabsPerUser,
    mode: r.mode,
    windowMs: r.windowMs,
    reactionFloorMs: r.reactionFloorMs,
    maxTapsPerSec: r.maxTapsPerSec,
    seedHash: r.seedHash,
    status: r.status,
    released: r.released,
    paid: r.paid,
    grabs: r.grabs,
    refunded: r.refunded,
    createdAt: r.createdAt,
    endedAt: r.endedAt,
  };
}

/** A released drop as sent to clients, with the time left in its window. */
export function dropView(plan: DropPlan, shares: number, ttlMs: number): DropView {
  return { dropId: plan.dropId, x: plan.x, ttlMs: Math.max(0, ttlMs), shares };
}

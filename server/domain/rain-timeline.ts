/**
 * A rain's drop timeline, derived deterministically from its secret seed: each drop's release
 * offset within the duration, its x position and its id. Release offsets are stratified (drop
 * i falls somewhere in the i-th slice of the duration), so the rain spans the whole duration
 * evenly and the timeline is already in release order. Ids are HMAC outputs: without the seed
 * — which never leaves the server — they cannot be guessed or derived from released ones.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface DropPlan {
  index: number;
  dropId: string;
  /** ms after the rain's start when the drop is released; in [0, durationMs). */
  offsetMs: number;
  /** Horizontal position across the screen, in [0, 1). */
  x: number;
}

/** A fresh secret seed for a new rain. */
export function newRainSeed(): string {
  return randomBytes(32).toString('base64url');
}

export function rainTimeline(seed: string, drops: number, durationMs: number): DropPlan[] {
  const key = Buffer.from(seed, 'base64url');
  return Array.from({ length: drops }, (_, index) => {
    const digest = createHmac('sha256', key).update(`drop:${index}`).digest();
    const u = digest.readUInt32BE(0) / 2 ** 32;
    return {
      index,
      dropId: `d_${digest.subarray(8, 24).toString('base64url')}`,
      offsetMs: Math.floor(((index + u) / drops) * durationMs),
      x: Math.floor((digest.readUInt32BE(4) / 2 ** 32) * 1000) / 1000,
    };
  });
}

/** Drops not yet released (index ≥ `released`) whose release time has come by `now`. */
export function dueDrops(timeline: DropPlan[], released: number, startAt: number, now: number): DropPlan[] {
  const due: DropPlan[] = [];
  for (let i = released; i < timeline.length; i++) {
    const plan = timeline[i];
    if (!plan || startAt + plan.offsetMs > now) break;
    due.push(plan);
  }
  return due;
}

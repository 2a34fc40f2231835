/**
 * Business rules for rains: configurable limits per role, the money split over every share,
 * the start time, and the window in which a released drop can be grabbed.
 */
import type { Role, RainSpec } from '@red-packet/sdk/schemas';
import { GameError } from './errors.js';
import { equalSplit, luckySplit, secureRandomInt, type RandomInt } from './split.js';

export interface RainLimits {
  /** Largest rain budget a host may fund, fen. */
  rainMaxTotalHost: number;
  /** Largest rain budget an admin may fund, fen. */
  rainMaxTotalAdmin: number;
  rainMaxDrops: number;
  /** Most shares (drops × sharesPerDrop) in one rain. */
  rainMaxShares: number;
  rainMaxDurationMs: number;
}

/** Countdown when neither startAt nor startInMs is given, ms. */
export const DEFAULT_START_IN_MS = 3_000;
/** A startAt this far in the past is taken as "now" (clock skew); further back is refused. */
const START_SKEW_MS = 5_000;

/** Throws LIMIT_EXCEEDED (or FORBIDDEN for plain users) if the spec breaks a limit. */
export function checkRainLimits(spec: RainSpec, role: Role, limits: RainLimits): void {
  if (role === 'user') throw new GameError('FORBIDDEN', 'only hosts and admins can schedule a rain');
  const maxTotal = role === 'admin' ? limits.rainMaxTotalAdmin : limits.rainMaxTotalHost;
  if (spec.total > maxTotal)
    throw new GameError('LIMIT_EXCEEDED', `a rain holds at most ${maxTotal} fen for a ${role}`);
  if (spec.drops > limits.rainMaxDrops)
    throw new GameError('LIMIT_EXCEEDED', `at most ${limits.rainMaxDrops} drops`);
  if (spec.drops * spec.sharesPerDrop > limits.rainMaxShares) {
    throw new GameError('LIMIT_EXCEEDED', `at most ${limits.rainMaxShares} shares (drops × sharesPerDrop)`);
  }
  if (spec.durationMs > limits.rainMaxDurationMs) {
    throw new GameError('LIMIT_EXCEEDED', `a rain lasts at most ${limits.rainMaxDurationMs} ms`);
  }
}

/**
 * How many fair shares one user may win when the host sets no maxGrabsPerUser. A fair share is
 * the rain's shares ÷ the room's members at scheduling: what each would win if all of them
 * tapped every drop. People miss drops and many members only watch, so an active person's
 * lottery odds sit above the fair share; three times it rarely stops a person, and still keeps
 * a client that taps every drop from collecting the rain of a quiet room (docs/fairness.md).
 */
export const DEFAULT_CAP_FAIR_SHARES = 3;

/**
 * The per-user cap of a rain whose host gave none: DEFAULT_CAP_FAIR_SHARES fair shares,
 * rounded up, at least 1 and at most `drops` (one share per drop per user is the most anyone
 * can win anyway). `members` is the room's member count at scheduling (an empty room counts 1).
 */
export function defaultGrabCap(spec: Pick<RainSpec, 'drops' | 'sharesPerDrop'>, members: number): number {
  const fairShare = (spec.drops * spec.sharesPerDrop) / Math.max(1, members);
  return Math.min(spec.drops, Math.max(1, Math.ceil(DEFAULT_CAP_FAIR_SHARES * fairShare)));
}

/** When the rain starts, by server time. Throws INVALID_PAYLOAD for a start in the past. */
export function rainStartAt(spec: RainSpec, now: number): number {
  if (spec.startAt !== undefined) {
    if (spec.startAt < now - START_SKEW_MS) throw new GameError('INVALID_PAYLOAD', 'startAt is in the past');
    return Math.max(spec.startAt, now);
  }
  return now + (spec.startInMs ?? DEFAULT_START_IN_MS);
}

/** Pre-splits the budget: one list of shares per drop (lucky over all shares, or equal). */
export function splitRain(
  spec: Pick<RainSpec, 'total' | 'drops' | 'sharesPerDrop' | 'split'>,
  randomInt: RandomInt = secureRandomInt,
): number[][] {
  const count = spec.drops * spec.sharesPerDrop;
  const shares =
    spec.split === 'equal' ? equalSplit(spec.total / count, count) : luckySplit(spec.total, count, randomInt);
  return Array.from({ length: spec.drops }, (_, d) =>
    shares.slice(d * spec.sharesPerDrop, (d + 1) * spec.sharesPerDrop),
  );
}

/** A rain still to fall or falling: it holds escrow, a driver and a place in the room. */
export function isRainActive(rain: { status: string }): boolean {
  return rain.status === 'scheduled' || rain.status === 'running';
}

/** A released drop can be grabbed from its release until `ttlMs` later (end exclusive). */
export function dropWindowOpen(releasedAt: number, ttlMs: number, now: number): boolean {
  return releasedAt > 0 && now >= releasedAt && now < releasedAt + ttlMs;
}

/** A rain ends once every drop is released and the last one's window has closed. */
export function rainFinishedAt(
  released: number,
  drops: number,
  lastReleaseAt: number,
  ttlMs: number,
): number | null {
  return released >= drops ? lastReleaseAt + ttlMs : null;
}

/** A lottery drop's ticket window by server time: [opensAt, closesAt). */
export function lotteryWindow(
  releasedAt: number,
  rain: { reactionFloorMs: number; windowMs: number },
): { opensAt: number; closesAt: number } {
  const opensAt = releasedAt + rain.reactionFloorMs;
  return { opensAt, closesAt: opensAt + rain.windowMs };
}

/** Tap limits count in one-second windows of server time; this one's start, ms. */
export function tapWindowStart(now: number): number {
  return now - (now % 1_000);
}

/**
 * Timed packets (定时红包): when a packet opens for grabs, and when it expires. Pure.
 *
 * A packet is funded and announced at once; grabs before `opensAt` are refused NOT_OPEN_YET
 * by the store's grab step, so every node agrees on the opening from the packet itself.
 * Its lifetime (PACKET_TTL_MS, 24 h by default) counts from the opening.
 */
import { GameError } from './errors.js';

export interface OpeningRequest {
  /** Server ms epoch. */
  opensAt?: number | undefined;
  /** Milliseconds from now. */
  opensInMs?: number | undefined;
}

export interface Opening {
  /** null when the packet opens at once. */
  opensAt: number | null;
  expiresAt: number;
}

/**
 * Resolves a send's opening time against the server clock `now`. An opening at or before
 * `now` opens at once; one more than `maxDelayMs` ahead is LIMIT_EXCEEDED.
 */
export function resolveOpening(req: OpeningRequest, now: number, maxDelayMs: number, ttlMs: number): Opening {
  const at = req.opensAt ?? (req.opensInMs !== undefined ? now + req.opensInMs : undefined);
  if (at === undefined || at <= now) return { opensAt: null, expiresAt: now + ttlMs };
  if (at - now > maxDelayMs) {
    throw new GameError('LIMIT_EXCEEDED', `a timed packet opens at most ${maxDelayMs} ms ahead`);
  }
  return { opensAt: at, expiresAt: at + ttlMs };
}

/** The NOT_OPEN_YET refusal for a grab at `now` of a packet opening at `opensAt`. */
export function notOpenYet(opensAt: number, now: number): GameError {
  const opensInMs = Math.max(0, opensAt - now);
  return new GameError('NOT_OPEN_YET', `the packet opens in ${Math.ceil(opensInMs / 1000)} s`, {
    opensAt,
    opensInMs,
  });
}

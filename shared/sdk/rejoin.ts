/**
 * Re-joining a client's rooms after a reconnect. The node a client lands on may be busy
 * taking a whole dead node's clients at once (a reconnect storm): a `room:join` it answers
 * STORE_UNAVAILABLE, RATE_LIMITED, INTERNAL or not at all (TIMEOUT) is retried with backoff
 * and jitter, so a client is never left connected but outside its rooms.
 */
import type { RoomSnapshot } from '../protocol.js';
import { RedPacketError } from './errors.js';

/** A room the client could not re-join, and the last answer it got. */
export interface RejoinFailure {
  roomId: string;
  error: RedPacketError;
}

export interface RejoinOptions {
  /** Attempts per room, the first included. @default 6 */
  attempts?: number;
  /** Delay before the first retry; doubles per retry, ±50 % jitter. @default 250 */
  firstDelayMs?: number;
  /** @default 4000 */
  maxDelayMs?: number;
  /** False once this re-join is moot (the socket dropped again, or the client closed). */
  isCurrent: () => boolean;
  /** Waits `ms` (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Refusals worth another try: the server was overloaded or the answer never came. */
const TRANSIENT = new Set(['STORE_UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL', 'TIMEOUT']);

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Joins every room in `rooms` with `join`, retrying transient refusals. Resolves with the
 * snapshots of the rooms joined and the rooms that were not (a final refusal such as
 * FORBIDDEN, transient ones past `attempts`, or the re-join becoming moot).
 */
export async function rejoinRooms(
  rooms: readonly string[],
  join: (roomId: string) => Promise<RoomSnapshot>,
  options: RejoinOptions,
): Promise<{ snapshots: RoomSnapshot[]; failures: RejoinFailure[] }> {
  const { attempts = 6, firstDelayMs = 250, maxDelayMs = 4000, isCurrent } = options;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const one = async (roomId: string): Promise<RoomSnapshot | RejoinFailure> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await join(roomId);
      } catch (err) {
        const error = err instanceof RedPacketError ? err : new RedPacketError('INTERNAL', String(err));
        if (!TRANSIENT.has(error.code) || attempt >= attempts || !isCurrent()) return { roomId, error };
        const base = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1));
        const wait = Math.max(error.retryAfterMs ?? 0, base * (0.5 + random()));
        await sleep(wait);
        if (!isCurrent()) return { roomId, error };
      }
    }
  };
  const results = await Promise.all(rooms.map(one));
  const snapshots: RoomSnapshot[] = [];
  const failures: RejoinFailure[] = [];
  for (const r of results) {
    if ('error' in r) failures.push(r);
    else snapshots.push(r);
  }
  return { snapshots, failures };
}

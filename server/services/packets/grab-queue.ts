/**
 * At most as many grabs of a packet in flight on this node as it has shares left to give
 * (issue 24): in a race for a packet the losers need not reach the store at all. The rest
 * wait here, in arrival order, and are let through one by one as grabs come back with shares
 * still to give — or are all answered PACKET_EMPTY (PACKET_EXPIRED) the moment a grab comes
 * back saying the packet closed.
 *
 *   left       shares this node knows may be left: the packet's share count until a grab
 *              answers, then the `remaining` of the latest answer (other nodes take shares
 *              too, so it is an upper bound; the store still decides every claim)
 *   in flight  grabs of the packet sent to the store and not yet answered; ≤ left
 *
 * A grab that fails for its own reason (ALREADY_GRABBED, LOCKED, STORE_UNAVAILABLE…) frees its
 * place for the next. A packet's line is forgotten as soon as nothing is in flight or waiting,
 * so the queue holds only packets being grabbed right now. Synchronous bookkeeping: no timers.
 */
import { GameError } from '../../domain/errors.js';
import type { ExhaustedReason } from './packet-facts.js';

interface Waiter {
  go: () => void;
  refuse: (reason: ExhaustedReason) => void;
}

interface Line {
  left: number;
  /** Grabs sent to the store, plus waiters already let through (counted when released). */
  inFlight: number;
  waiting: Waiter[];
  /** Why the packet closed, once a grab said so. */
  closed?: ExhaustedReason;
}

export class GrabQueue {
  private readonly lines = new Map<string, Line>();

  /** How many grabs are waiting on this node, over every packet (for metrics and tests). */
  get waiting(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.waiting.length;
    return n;
  }

  /**
   * Runs `grab` of `packetId` once a share is free for it. `shares` is the packet's share
   * count when known (the most that can be left), `remainingOf` reads the shares left from a
   * claimed result, and `closedBy` says whether an error means the packet closed.
   */
  async run<T>(
    packetId: string,
    shares: number | undefined,
    grab: () => Promise<T>,
    remainingOf: (result: T) => number,
    closedBy: (err: unknown) => ExhaustedReason | undefined,
  ): Promise<T> {
    let line = this.lines.get(packetId);
    if (!line) {
      line = { left: shares ?? Number.POSITIVE_INFINITY, inFlight: 0, waiting: [] };
      this.lines.set(packetId, line);
    }
    if (line.closed) throw refusal(line.closed);
    if (line.inFlight < line.left) line.inFlight += 1;
    else await this.wait(line); // settle() counts it in flight when it lets it through
    try {
      const result = await grab();
      line.left = Math.min(line.left, remainingOf(result));
      if (line.left <= 0) line.closed ??= 'PACKET_EMPTY';
      return result;
    } catch (err) {
      const reason = closedBy(err);
      if (reason) {
        line.left = 0;
        line.closed = reason;
      }
      throw err;
    } finally {
      line.inFlight -= 1;
      this.settle(packetId, line);
    }
  }

  private wait(line: Line): Promise<void> {
    return new Promise((resolve, reject) => {
      line.waiting.push({ go: resolve, refuse: (reason) => reject(refusal(reason)) });
    });
  }

  /** After a grab came back: lets waiters through while shares are free, or refuses them all. */
  private settle(packetId: string, line: Line): void {
    const { closed } = line;
    if (closed) for (const w of line.waiting.splice(0)) w.refuse(closed);
    while (line.waiting.length > 0 && line.inFlight < line.left) {
      line.inFlight += 1;
      line.waiting.shift()?.go();
    }
    if (line.inFlight === 0 && line.waiting.length === 0) this.lines.delete(packetId);
  }
}

const refusal = (reason: ExhaustedReason): GameError =>
  new GameError(reason, reason === 'PACKET_EMPTY' ? 'all shares are taken' : 'the packet has expired');

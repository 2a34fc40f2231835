import type { ErrorCode } from '@red-packet/sdk/codes';

export type ExhaustedReason = Extract<ErrorCode, 'PACKET_EMPTY' | 'PACKET_EXPIRED'>;

/**
 * Packets this node has seen run out or expire, and why, so later grabs are answered without
 * a store call. Bounded: the oldest entries are forgotten first (a forgotten packet costs one
 * store call). An expiry overrides an earlier "empty" (an expired packet stays expired).
 */
export class ExhaustedCache {
  private readonly reasons = new Map<string, ExhaustedReason>();

  /** @param capacity most ids remembered @default 100000 */
  constructor(private readonly capacity = 100_000) {}

  add(id: string, reason: ExhaustedReason): void {
    if (this.reasons.get(id) === 'PACKET_EXPIRED') return;
    this.reasons.set(id, reason);
    if (this.reasons.size > this.capacity) {
      const oldest = this.reasons.keys().next().value;
      if (oldest !== undefined) this.reasons.delete(oldest);
    }
  }

  /** Why the packet is known to be closed, or undefined if it is not known to be. */
  get(id: string): ExhaustedReason | undefined {
    return this.reasons.get(id);
  }
}

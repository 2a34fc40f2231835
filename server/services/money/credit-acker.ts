/**
 * Batches the last step of a payment — removing landed credits from their packet's outbox —
 * off the grab's hot path. Losing a batch is harmless: the reconciler re-applies those credits
 * (a no-op, by claim id) and acks them itself.
 */
import type { Logger } from '../../observability/logger.js';
import type { Store } from '../../store/store.js';

export class CreditAcker {
  private pending = new Map<string, string[]>();
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  /**
   * @param intervalMs how long an ack may wait for its batch @default 100
   * @param maxBatch flush at once when this many acks wait @default 500
   */
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly intervalMs = 100,
    private readonly maxBatch = 500,
  ) {}

  /** Queues the ack of one landed credit. */
  ack(packetId: string, claimId: string): void {
    const list = this.pending.get(packetId);
    if (list) list.push(claimId);
    else this.pending.set(packetId, [claimId]);
    this.size += 1;
    if (this.size >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Sends every queued ack; resolves when they are written (or failed and were logged). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.size = 0;
    if (batch.size > 0) {
      this.flushing = this.flushing.then(() =>
        Promise.all(
          [...batch].map(([packetId, claimIds]) =>
            this.store.escrow.ackCredits(packetId, claimIds).catch((err: unknown) => {
              this.log.warn({ err, packetId }, 'credit ack failed; the reconciler will redo it');
            }),
          ),
        ).then(() => undefined),
      );
    }
    return this.flushing;
  }
}

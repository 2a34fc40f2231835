/**
 * Token bucket: `ratePerSec` tokens a second, up to `burst`. Pure; time comes from the caller.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one; false means the caller is over its rate. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** ms until the next token (0 when one is there now). */
  retryAfterMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSec);
  }

  /** True when the bucket has been idle long enough to be full again (forgetting it loses nothing). */
  isFull(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.last) * this.ratePerSec) / 1000 >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSec) / 1000);
  }
}

/**
 * One TokenBucket per key (a user id, an address), bounded: past `maxKeys` the buckets that
 * have refilled are forgotten (nothing is lost: a new bucket starts full), and if every one is
 * still draining, the oldest keys are dropped — that key's next call starts a full bucket, so
 * the bound fails open for a few keys rather than growing without limit.
 *
 * Cost per call: one Map lookup and the bucket's arithmetic, O(1). The sweep runs at most
 * once per `maxKeys / 2` new keys, so it is O(1) amortised per key added.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private addedSinceSweep = 0;

  /** `ratePerSec` 0 turns the limiter off: every call passes. */
  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  get enabled(): boolean {
    return this.ratePerSec > 0;
  }

  /** Takes a token for `key`: 0 when allowed, else the ms until one is there (Retry-After). */
  take(key: string, now: number): number {
    if (this.ratePerSec <= 0) return 0;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSec, this.burst, now);
      this.buckets.set(key, bucket);
      if (++this.addedSinceSweep > this.maxKeys / 2 && this.buckets.size > this.maxKeys) this.sweep(now);
    }
    return bucket.take(now) ? 0 : Math.max(1, bucket.retryAfterMs(now));
  }

  /** Keys held (for tests and the bound). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.addedSinceSweep = 0;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}

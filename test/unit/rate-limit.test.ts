import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, TokenBucket } from '../../server/domain/rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    const b = new TokenBucket(10, 5, 0);
    const burst = Array.from({ length: 6 }, () => b.take(0));
    expect(burst).toEqual([true, true, true, true, true, false]);
    expect(b.take(50)).toBe(false); // half a token
    expect(b.take(100)).toBe(true); // one token after 100 ms at 10/s
    expect(b.take(100)).toBe(false);
  });

  it('never holds more than the burst', () => {
    const b = new TokenBucket(10, 2, 0);
    expect([b.take(60_000), b.take(60_000), b.take(60_000)]).toEqual([true, true, false]);
  });
});

describe('KeyedRateLimiter', () => {
  it('keeps one bucket per key and says when to retry', () => {
    const limiter = new KeyedRateLimiter(2, 2);
    expect([limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0]);
    expect(limiter.take('a', 0)).toBe(500); // 2 a second: the next token in 500 ms
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 500)).toBe(0);
  });

  it('is off at rate 0', () => {
    const limiter = new KeyedRateLimiter(0, 1);
    expect(Array.from({ length: 5 }, () => limiter.take('a', 0))).toEqual([0, 0, 0, 0, 0]);
    expect(limiter.size).toBe(0);
  });

  it('stays bounded under many keys, forgetting refilled buckets first', () => {
    const limiter = new KeyedRateLimiter(1, 1, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`, i * 10);
    expect(limiter.size).toBeLessThanOrEqual(150);
  });
});

import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../server/domain/rate-limit.js';

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

import { describe, expect, it } from 'vitest';
import { rainScheduleSchema, rainSpecSchema, type RainSpec } from '@red-packet/sdk/schemas';
import { GameError } from '../../server/domain/errors.js';
import { checkRainLimits, dropWindowOpen, rainStartAt, splitRain } from '../../server/domain/rain-rules.js';

const limits = {
  rainMaxTotalHost: 100_000,
  rainMaxTotalAdmin: 1_000_000,
  rainMaxDrops: 500,
  rainMaxShares: 2_000,
  rainMaxDurationMs: 120_000,
};
const spec = (over: Partial<RainSpec> = {}): RainSpec =>
  rainSpecSchema.parse({ total: 10_000, drops: 100, durationMs: 60_000, ...over });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof GameError ? err.code : 'not a GameError';
  }
  return undefined;
}

describe('rain rules', () => {
  it('applies role limits', () => {
    expect(codeOf(() => checkRainLimits(spec(), 'user', limits))).toBe('FORBIDDEN');
    expect(codeOf(() => checkRainLimits(spec(), 'host', limits))).toBeUndefined();
    expect(codeOf(() => checkRainLimits(spec({ total: 100_001 }), 'host', limits))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(() => checkRainLimits(spec({ total: 100_001 }), 'admin', limits))).toBeUndefined();
    expect(codeOf(() => checkRainLimits(spec({ drops: 501, total: 100_000 }), 'admin', limits))).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(
      codeOf(() => checkRainLimits(spec({ drops: 100, sharesPerDrop: 21, total: 100_000 }), 'admin', limits)),
    ).toBe('LIMIT_EXCEEDED');
    expect(codeOf(() => checkRainLimits(spec({ durationMs: 120_001 }), 'admin', limits))).toBe(
      'LIMIT_EXCEEDED',
    );
  });

  it('starts at startAt, after startInMs, or after the default countdown', () => {
    const now = 1_000_000;
    expect(rainStartAt(spec({ startAt: now + 5_000 }), now)).toBe(now + 5_000);
    expect(rainStartAt(spec({ startInMs: 0 }), now)).toBe(now);
    expect(rainStartAt(spec(), now)).toBe(now + 3_000);
    expect(rainStartAt(spec({ startAt: now - 2_000 }), now)).toBe(now); // small skew: now
    expect(codeOf(() => rainStartAt(spec({ startAt: now - 60_000 }), now))).toBe('INVALID_PAYLOAD');
  });

  it('splits the whole budget into drops × sharesPerDrop shares', () => {
    const lucky = splitRain(spec({ total: 9_999, drops: 33, sharesPerDrop: 3 }));
    expect(lucky).toHaveLength(33);
    expect(lucky.every((d) => d.length === 3 && d.every((s) => s >= 1))).toBe(true);
    expect(lucky.flat().reduce((a, b) => a + b, 0)).toBe(9_999);
    const equal = splitRain(spec({ total: 600, drops: 3, sharesPerDrop: 2, split: 'equal' }));
    expect(equal).toEqual([
      [100, 100],
      [100, 100],
      [100, 100],
    ]);
  });

  it('opens a drop from its release for exactly ttl ms', () => {
    expect(dropWindowOpen(0, 1_000, 10)).toBe(false); // never released
    expect(dropWindowOpen(5_000, 1_000, 4_999)).toBe(false);
    expect(dropWindowOpen(5_000, 1_000, 5_000)).toBe(true);
    expect(dropWindowOpen(5_000, 1_000, 5_999)).toBe(true);
    expect(dropWindowOpen(5_000, 1_000, 6_000)).toBe(false);
  });

  it.each([
    [{ total: 100, drops: 200, durationMs: 5_000 }, 'total'], // < 1 fen per share
    [{ total: 1_000, drops: 10, durationMs: 5_000, startAt: 1, startInMs: 5 }, 'startAt'],
    [{ total: 1_001, drops: 10, durationMs: 5_000, split: 'equal' }, 'total'],
    [{ total: 1_000, drops: 10, durationMs: 999 }, 'durationMs'],
    [{ total: 1_000, drops: 10, durationMs: 5_000, dropTtlMs: 100 }, 'dropTtlMs'],
    [{ total: 1_000, drops: 10, durationMs: 5_000, sharesPerDrop: 101 }, 'sharesPerDrop'],
    [{ total: 1_000, drops: 10, durationMs: 5_000, split: 'random' }, 'split'],
    [{ total: 1_000, drops: 10, durationMs: 5_000, surprise: 1 }, ''],
  ])('refuses %j (at %s)', (body, path) => {
    const result = rainScheduleSchema.safeParse({ roomId: 'r', ...body });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.') ?? '').toBe(path);
  });
});

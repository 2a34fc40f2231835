import { describe, expect, it } from 'vitest';
import { GameError } from '../../server/domain/errors.js';
import { notOpenYet, resolveOpening } from '../../server/domain/packet-opening.js';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

describe('resolveOpening', () => {
  it('opens at once without an opening time, or with one in the past', () => {
    expect(resolveOpening({}, NOW, DAY, DAY)).toEqual({ opensAt: null, expiresAt: NOW + DAY });
    expect(resolveOpening({ opensAt: NOW - 5 }, NOW, DAY, DAY)).toEqual({
      opensAt: null,
      expiresAt: NOW + DAY,
    });
    expect(resolveOpening({ opensInMs: 0 }, NOW, DAY, DAY)).toEqual({ opensAt: null, expiresAt: NOW + DAY });
  });

  it('counts the lifetime from the opening', () => {
    expect(resolveOpening({ opensInMs: 60_000 }, NOW, DAY, DAY)).toEqual({
      opensAt: NOW + 60_000,
      expiresAt: NOW + 60_000 + DAY,
    });
    expect(resolveOpening({ opensAt: NOW + DAY }, NOW, DAY, 1_000)).toEqual({
      opensAt: NOW + DAY,
      expiresAt: NOW + DAY + 1_000,
    });
  });

  it('refuses an opening beyond the horizon', () => {
    expect(() => resolveOpening({ opensAt: NOW + DAY + 1 }, NOW, DAY, DAY)).toThrow(GameError);
    try {
      resolveOpening({ opensInMs: DAY + 1 }, NOW, DAY, DAY);
    } catch (err) {
      expect((err as GameError).code).toBe('LIMIT_EXCEEDED');
    }
  });
});

describe('notOpenYet', () => {
  it('carries when it opens and how long that is', () => {
    const err = notOpenYet(NOW + 2_500, NOW);
    expect(err.code).toBe('NOT_OPEN_YET');
    expect(err.details).toEqual({ opensAt: NOW + 2_500, opensInMs: 2_500 });
    expect(err.message).toContain('3 s');
  });
});

import { describe, expect, it } from 'vitest';
import { checkCurfew, curfewLiftsAt, type CurfewRule } from '../../server/domain/curfew.js';
import { GameError } from '../../server/domain/errors.js';

const shanghai: CurfewRule = { startMinute: 22 * 60, endMinute: 6 * 60, timeZone: 'Asia/Shanghai' };
const newYork: CurfewRule = { ...shanghai, timeZone: 'America/New_York' };
const utc = (iso: string): number => Date.parse(iso);

describe('curfewLiftsAt (22:00–06:00)', () => {
  it('is off during the day and on from 22:00 local, across midnight, until 06:00', () => {
    // Asia/Shanghai is UTC+8: 22:00 local = 14:00 UTC, 06:00 local = 22:00 UTC.
    expect(curfewLiftsAt(utc('2026-11-23T13:59:59.999Z'), shanghai)).toBeNull();
    expect(curfewLiftsAt(utc('2026-11-23T14:00:00Z'), shanghai)).toBe(utc('2026-11-23T22:00:00Z'));
    expect(curfewLiftsAt(utc('2026-11-23T16:30:00Z'), shanghai)).toBe(utc('2026-11-23T22:00:00Z')); // 00:30
    expect(curfewLiftsAt(utc('2026-11-23T21:59:59Z'), shanghai)).toBe(utc('2026-11-23T22:00:00Z'));
    expect(curfewLiftsAt(utc('2026-11-23T22:00:00Z'), shanghai)).toBeNull();
  });

  it('follows the zone: the same instant is curfew in one zone and not in another', () => {
    const instant = utc('2026-11-23T15:00:00Z'); // 23:00 Shanghai, 10:00 New York
    expect(curfewLiftsAt(instant, shanghai)).not.toBeNull();
    expect(curfewLiftsAt(instant, newYork)).toBeNull();
  });

  it('lifts at 06:00 local wall time across a daylight-saving change in the night', () => {
    // New York springs forward on 2026-03-08 at 02:00 (EST −5 → EDT −4).
    expect(curfewLiftsAt(utc('2026-03-08T04:00:00Z'), newYork)).toBe(utc('2026-03-08T10:00:00Z')); // 23:00 EST → 06:00 EDT
    // … and falls back on 2026-11-01 at 02:00 (EDT −4 → EST −5).
    expect(curfewLiftsAt(utc('2026-11-01T03:00:00Z'), newYork)).toBe(utc('2026-11-01T11:00:00Z')); // 23:00 EDT → 06:00 EST
  });

  it('handles a window within one day, and none when start = end', () => {
    const lunch: CurfewRule = { startMinute: 12 * 60, endMinute: 13 * 60, timeZone: 'UTC' };
    expect(curfewLiftsAt(utc('2026-11-23T12:15:00Z'), lunch)).toBe(utc('2026-11-23T13:00:00Z'));
    expect(curfewLiftsAt(utc('2026-11-23T13:00:00Z'), lunch)).toBeNull();
    expect(curfewLiftsAt(utc('2026-11-23T23:00:00Z'), { ...lunch, endMinute: 12 * 60 })).toBeNull();
  });
});

describe('checkCurfew', () => {
  const night = utc('2026-11-23T15:00:00Z');
  it('refuses only minors, only during the curfew, saying when it lifts', () => {
    expect(() => checkCurfew(false, night, shanghai)).not.toThrow();
    expect(() => checkCurfew(undefined, night, shanghai)).not.toThrow();
    expect(() => checkCurfew(true, utc('2026-11-23T03:00:00Z'), shanghai)).not.toThrow();
    let caught: unknown;
    try {
      checkCurfew(true, night, shanghai);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GameError);
    expect(caught).toMatchObject({
      code: 'CURFEW',
      details: { liftsAt: utc('2026-11-23T22:00:00Z'), retryAfterMs: 7 * 3_600_000 },
    });
  });
});

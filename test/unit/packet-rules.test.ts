import { describe, expect, it } from 'vitest';
import { packetSpecSchema } from '@red-packet/sdk/schemas';
import { checkPacketLimits, packetTotal, splitPacket } from '../../server/domain/packet-rules.js';
import { GameError } from '../../server/domain/errors.js';

const limits = {
  packetMaxTotal: 20_000,
  packetMaxCount: 100,
  karaokeMinSongMs: 3_000,
  karaokeMaxSongMs: 900_000,
};

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof GameError ? err.code : 'not a GameError';
  }
  return undefined;
}

describe('packet limits', () => {
  it('accepts packets up to the limits', () => {
    expect(
      codeOf(() => checkPacketLimits({ kind: 'lucky', total: 20_000, count: 100 }, limits)),
    ).toBeUndefined();
    expect(
      codeOf(() => checkPacketLimits({ kind: 'equal', amount: 200, count: 100 }, limits)),
    ).toBeUndefined();
  });

  it('refuses totals and counts past the limits with LIMIT_EXCEEDED', () => {
    expect(codeOf(() => checkPacketLimits({ kind: 'lucky', total: 20_001, count: 10 }, limits))).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(codeOf(() => checkPacketLimits({ kind: 'lucky', total: 500, count: 101 }, limits))).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(codeOf(() => checkPacketLimits({ kind: 'equal', amount: 201, count: 100 }, limits))).toBe(
      'LIMIT_EXCEEDED',
    );
    // amount × count beyond safe integers is refused, not wrapped
    expect(
      codeOf(() =>
        checkPacketLimits(
          { kind: 'equal', amount: Number.MAX_SAFE_INTEGER, count: 3 },
          { ...limits, packetMaxTotal: Number.MAX_SAFE_INTEGER },
        ),
      ),
    ).toBe('LIMIT_EXCEEDED');
  });

  it('bounds karaoke songs with LIMIT_EXCEEDED', () => {
    const song = (durationMs: number) => ({
      type: 'listen' as const,
      song: { id: 's1', title: 'Song', durationMs },
    });
    expect(
      codeOf(() => checkPacketLimits({ kind: 'lucky', total: 100, count: 2, unlock: song(3_000) }, limits)),
    ).toBeUndefined();
    expect(
      codeOf(() => checkPacketLimits({ kind: 'lucky', total: 100, count: 2, unlock: song(900_000) }, limits)),
    ).toBeUndefined();
    expect(
      codeOf(() => checkPacketLimits({ kind: 'lucky', total: 100, count: 2, unlock: song(2_999) }, limits)),
    ).toBe('LIMIT_EXCEEDED');
    expect(
      codeOf(() => checkPacketLimits({ kind: 'lucky', total: 100, count: 2, unlock: song(900_001) }, limits)),
    ).toBe('LIMIT_EXCEEDED');
  });

  it('totals and splits by kind', () => {
    expect(packetTotal({ kind: 'equal', amount: 50, count: 4 })).toBe(200);
    expect(splitPacket({ kind: 'equal', amount: 50, count: 4 })).toEqual([50, 50, 50, 50]);
    const lucky = splitPacket({ kind: 'lucky', total: 999, count: 7 });
    expect(lucky.reduce((a, b) => a + b, 0)).toBe(999);
  });
});

describe('packet spec schema', () => {
  it.each([
    [{ kind: 'lucky', total: 100, count: 5 }, true],
    [{ kind: 'equal', amount: 10, count: 5, greeting: '恭喜发财' }, true],
    [{ kind: 'lucky', total: 4, count: 5 }, false], // < 1 fen per share
    [{ kind: 'lucky', amount: 100, count: 5 }, false], // wrong field for the kind
    [{ kind: 'equal', total: 100, count: 5 }, false],
    [{ kind: 'lucky', total: 10.5, count: 5 }, false], // floats are not fen
    [{ kind: 'lucky', total: -100, count: 5 }, false],
    [{ kind: 'lucky', total: '100', count: 5 }, false],
    [{ kind: 'lucky', total: 100, count: 0 }, false],
    [{ kind: 'bogus', total: 100, count: 5 }, false],
    [{ kind: 'lucky', total: 100, count: 5, extra: 1 }, false],
    [{ kind: 'lucky', total: 100, count: 5, greeting: 'x'.repeat(65) }, false],
  ])('%j → valid %s', (spec, valid) => {
    expect(packetSpecSchema.safeParse(spec).success).toBe(valid);
  });
});

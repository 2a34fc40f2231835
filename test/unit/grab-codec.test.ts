import { describe, expect, it } from 'vitest';
import { MalformedReplyError } from '../../server/store/redis/errors.js';
import { claimOfGrab, staticOfGrab, STATIC_MEMO_MAX } from '../../server/store/redis/grab-codec.js';
import { decodeReply } from '../../server/store/redis/replies.js';

const record = (id: string) =>
  JSON.stringify({
    id,
    roomId: 'r1',
    senderId: 'u1',
    senderName: 'Ann',
    kind: 'lucky',
    total: 100,
    count: 2,
    greeting: 'hi',
    createdAt: 1,
    expiresAt: 99,
  });
const claimed = { claimId: 'c1', packetId: 'pk1', userId: 'u2', name: 'Bo', amount: 60, at: 5 };
const claim = JSON.stringify({ ...claimed, seq: 1 });

describe('grab reply decoding (grab-codec.ts)', () => {
  it('decodes a claim without its seq, and refuses one that does not fit', () => {
    expect(claimOfGrab(claim)).toEqual(claimed);
    expect(() => claimOfGrab(claim.replace('60', '"60"'))).toThrow(MalformedReplyError);
    expect(() => claimOfGrab('{not json')).toThrow(MalformedReplyError);
  });

  it('decodes a static record once per text and hands out one frozen object', () => {
    const a = staticOfGrab(record('pk1'));
    expect(a).toMatchObject({ id: 'pk1', roomId: 'r1', unlock: null, opensAt: null });
    expect(staticOfGrab(record('pk1'))).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => staticOfGrab(record('pk1').replace('"lucky"', '"odd"'))).toThrow(MalformedReplyError);
  });

  it('keeps at most STATIC_MEMO_MAX records', () => {
    const first = staticOfGrab(record('pk-first'));
    for (let i = 0; i < STATIC_MEMO_MAX; i++) staticOfGrab(record(`pk-${i}`));
    // Started over: the same text decodes to an equal record, not the one kept before.
    const again = staticOfGrab(record('pk-first'));
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('gives the same claimed outcome through the grab script decoder', () => {
    const out = decodeReply('packet-grab-credit', ['claimed', claim, '', 1, record('pk1'), claim, 160]);
    expect(out).toMatchObject({
      status: 'claimed',
      credited: true,
      balance: 160,
      claim: { claimId: 'c1', amount: 60 },
      packet: { id: 'pk1', roomId: 'r1', status: 'open', remainingCount: 1, bestLuck: { amount: 60 } },
    });
  });
});

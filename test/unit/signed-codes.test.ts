import { describe, expect, it } from 'vitest';
import { GameError } from '../../server/domain/errors.js';
import { CodeSigner, isCodePagePath } from '../../server/domain/signed-codes.js';
import { normalizePhrase, phraseSchema } from '@red-packet/sdk/schemas';

const T = 1_700_000_000_000;
const signer = new CodeSigner('unit-secret-0123456789abcdef', 30_000);

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof GameError ? err.code : String(err);
  }
};

describe('signed codes', () => {
  it('round-trips every kind', () => {
    const { code, windowEndsAt } = signer.rotating('pk_abc', T);
    expect(windowEndsAt).toBe((Math.floor(T / 30_000) + 1) * 30_000);
    expect(signer.verify(code, T)).toEqual({
      kind: 'rotating',
      packetId: 'pk_abc',
      window: signer.windowAt(T),
    });
    expect(signer.verify(signer.static('pk_abc', T + 5), T)).toEqual({
      kind: 'static',
      packetId: 'pk_abc',
      expiresAt: T + 5,
    });
    expect(signer.verify(signer.receive('user.with:odd-chars', 7), T)).toEqual({
      kind: 'receive',
      userId: 'user.with:odd-chars',
      version: 7,
    });
  });

  it('accepts the current and previous window only', () => {
    const { code } = signer.rotating('pk_abc', T);
    expect(codeOf(() => signer.verify(code, T + 30_000))).toBe('ok');
    expect(codeOf(() => signer.verify(code, T + 60_000))).toBe('CODE_EXPIRED');
    expect(codeOf(() => signer.verify(code, T - 30_000))).toBe('ok'); // a node a little behind
    expect(codeOf(() => signer.verify(code, T - 60_000))).toBe('CODE_INVALID');
  });

  it('refuses static codes at their expiry', () => {
    const code = signer.static('pk_abc', T + 1_000);
    expect(codeOf(() => signer.verify(code, T + 999))).toBe('ok');
    expect(codeOf(() => signer.verify(code, T + 1_000))).toBe('CODE_EXPIRED');
  });

  it('refuses every single-character change, truncation and a foreign key', () => {
    const { code } = signer.rotating('pk_abcdef', T);
    for (let i = 0; i < code.length; i++) {
      const c = code[i] === 'x' ? 'y' : 'x';
      expect(codeOf(() => signer.verify(code.slice(0, i) + c + code.slice(i + 1), T))).toBe('CODE_INVALID');
    }
    for (let n = 1; n < code.length; n++) {
      expect(codeOf(() => signer.verify(code.slice(0, n), T))).toBe('CODE_INVALID');
    }
    const other = new CodeSigner('another-secret-0123456789', 30_000);
    expect(codeOf(() => signer.verify(other.rotating('pk_abcdef', T).code, T))).toBe('CODE_INVALID');
    expect(codeOf(() => signer.verify('', T))).toBe('CODE_INVALID');
    expect(codeOf(() => signer.verify('X~pk~1~AAAAAAAAAAAAAAAAAAAAAA', T))).toBe('CODE_INVALID');
  });

  it('knows the short page paths', () => {
    const { code } = signer.rotating('pk_abc', T);
    expect(isCodePagePath(`/c/${code}`)).toBe(true);
    expect(isCodePagePath(`/r/${signer.receive('u1', 1)}`)).toBe(true);
    expect(isCodePagePath('/c/')).toBe(false);
    expect(isCodePagePath('/x/abc')).toBe(false);
  });
});

describe('phrases', () => {
  it('normalises width and whitespace, keeps case', () => {
    expect(normalizePhrase('  芝麻　开门 ')).toBe('芝麻 开门');
    expect(normalizePhrase('ＯＰＥＮ  Sesame')).toBe('OPEN Sesame');
    expect(phraseSchema.safeParse('   ').success).toBe(false);
    expect(phraseSchema.safeParse('a'.repeat(33)).success).toBe(false);
    expect(phraseSchema.safeParse('bad\u0007').success).toBe(false);
    expect(phraseSchema.parse(' 恭喜发财 ')).toBe('恭喜发财');
  });
});

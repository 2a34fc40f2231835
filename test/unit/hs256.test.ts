import { createHmac, createSecretKey } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signHs256, verifyHs256 } from '../../server/auth/hs256.js';

const SECRET = 'unit-secret-0123456789abcdef';
const key = createSecretKey(Buffer.from(SECRET));
const NOW = 1_900_000_000;
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A token signed by jose, the reference implementation. */
const joseToken = (claims: Record<string, unknown>, alg = 'HS256', secret = SECRET): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));

/** A token assembled by hand (for headers and payloads jose would not produce). */
const handToken = (header: unknown, payload: unknown, secret = SECRET): string => {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
};

describe('verifyHs256', () => {
  it('accepts what jose signs, and returns its payload', async () => {
    const token = await joseToken({ sub: 'alice', name: 'Alice', exp: NOW + 60, iat: NOW });
    expect(verifyHs256(token, key, NOW)).toEqual({ sub: 'alice', name: 'Alice', exp: NOW + 60, iat: NOW });
  });

  it('signs what jose verifies, and what it verifies itself', async () => {
    const claims = { sub: 'bob', name: 'Bob', role: 'user', iat: NOW, exp: NOW + 60 };
    const token = signHs256(claims, key);
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      algorithms: ['HS256'],
      currentDate: new Date(NOW * 1000),
    });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(verifyHs256(token, key, NOW)).toEqual(claims);
  });

  it('refuses another key, another algorithm and the none algorithm', async () => {
    expect(
      verifyHs256(await joseToken({ exp: NOW + 60 }, 'HS256', 'another-secret-entirely!'), key, NOW),
    ).toBeNull();
    expect(verifyHs256(await joseToken({ exp: NOW + 60 }, 'HS512'), key, NOW)).toBeNull();
    expect(verifyHs256(`${b64({ alg: 'none' })}.${b64({ exp: NOW + 60 })}.`, key, NOW)).toBeNull();
    expect(verifyHs256(handToken({ alg: 'hs256' }, { exp: NOW + 60 }), key, NOW)).toBeNull();
  });

  it('refuses headers it does not understand (crit, b64)', () => {
    expect(verifyHs256(handToken({ alg: 'HS256', crit: ['exp'] }, { exp: NOW + 60 }), key, NOW)).toBeNull();
    expect(verifyHs256(handToken({ alg: 'HS256', b64: false }, { exp: NOW + 60 }), key, NOW)).toBeNull();
    expect(verifyHs256(handToken({ alg: 'HS256', typ: 'JWT' }, { exp: NOW + 60 }), key, NOW)).not.toBeNull();
  });

  it('checks exp (required), nbf and iat by the injected clock', () => {
    const ok = (payload: unknown): boolean =>
      verifyHs256(handToken({ alg: 'HS256' }, payload), key, NOW) !== null;
    expect(ok({ exp: NOW + 1 })).toBe(true);
    expect(ok({ exp: NOW })).toBe(false); // expired at exp, as jose
    expect(ok({})).toBe(false);
    expect(ok({ exp: String(NOW + 60) })).toBe(false);
    expect(ok({ exp: NOW + 60, nbf: NOW })).toBe(true);
    expect(ok({ exp: NOW + 60, nbf: NOW + 1 })).toBe(false);
    expect(ok({ exp: NOW + 60, nbf: 'soon' })).toBe(false);
    expect(ok({ exp: NOW + 60, iat: 'yesterday' })).toBe(false);
  });

  it('refuses tampering and malformed shapes without throwing', async () => {
    const token = await joseToken({ sub: 'alice', exp: NOW + 60 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const forgedPayload = b64({ sub: 'mallory', exp: NOW + 60 });
    const cases = [
      `${h}.${forgedPayload}.${s}`,
      `${h}.${p}.${s.slice(0, -2)}`,
      `${h}.${p}.${s}=`,
      `${h}.${p}.${s}.extra`,
      `${h}.${p}`,
      `${h}..${s}`,
      `${h}.${p}.${s.replace(/.$/, '*')}`,
      handToken({ alg: 'HS256' }, [NOW + 60]),
      handToken({ alg: 'HS256' }, 'a string'),
      handToken(['HS256'], { exp: NOW + 60 }),
      `${Buffer.from('not json').toString('base64url')}.${p}.${s}`,
      '',
      '...',
    ];
    for (const c of cases) expect(verifyHs256(c, key, NOW), c).toBeNull();
  });
});

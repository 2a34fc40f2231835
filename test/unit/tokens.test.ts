import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signHs256 } from '../../server/auth/hs256.js';
import { SIGN_IN_LEEWAY_SEC, TokenService } from '../../server/auth/tokens.js';
import { GameError } from '../../server/domain/errors.js';

const SECRET = 'unit-secret-0123456789abcdef';
const NOW = 1_900_000_000;
const key = createSecretKey(Buffer.from(SECRET));
const claims = { sub: 'alice', name: 'Alice', role: 'user', exp: NOW + 3600 };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof GameError) return err.code;
    throw err;
  }
  return undefined;
};

describe('TokenService: sign-in time (step-up)', () => {
  const tokens = new TokenService(SECRET, () => NOW);

  it('takes auth_time, else iat, as when the user signed in', () => {
    expect(tokens.verifySync(signHs256({ ...claims, iat: NOW - 10 }, key)).authTime).toBe((NOW - 10) * 1000);
    expect(
      tokens.verifySync(signHs256({ ...claims, iat: NOW - 10, auth_time: NOW - 100 }, key)).authTime,
    ).toBe((NOW - 100) * 1000);
  });

  it('refuses a sign-in time beyond the leeway in the future (it would pass step-up forever)', () => {
    const ahead = NOW + SIGN_IN_LEEWAY_SEC + 1;
    expect(codeOf(() => tokens.verifySync(signHs256({ ...claims, iat: ahead }, key)))).toBe('UNAUTHORIZED');
    expect(
      codeOf(() => tokens.verifySync(signHs256({ ...claims, iat: NOW, auth_time: ahead + 1e6 }, key))),
    ).toBe('UNAUTHORIZED');
  });

  it('caps a sign-in time within the leeway at now', () => {
    const token = signHs256({ ...claims, auth_time: NOW + SIGN_IN_LEEWAY_SEC }, key);
    expect(tokens.verifySync(token).authTime).toBe(NOW * 1000);
  });
});

describe('TokenService: issuer and audience (JWT_ISSUER, JWT_AUDIENCE)', () => {
  const scoped = new TokenService(SECRET, () => NOW, {
    issuer: 'https://id.example',
    audience: 'red-packet',
  });

  it('accepts tokens it signs itself', async () => {
    const token = await scoped.sign({ userId: 'bob', name: 'Bob', role: 'host' });
    expect(scoped.verifySync(token)).toMatchObject({ userId: 'bob', role: 'host' });
  });

  it.each([
    ['no iss', { aud: 'red-packet' }],
    ['another iss', { iss: 'https://evil.example', aud: 'red-packet' }],
    ['no aud', { iss: 'https://id.example' }],
    ['another aud', { iss: 'https://id.example', aud: 'other-app' }],
    ['an aud list without ours', { iss: 'https://id.example', aud: ['a', 'b'] }],
  ])('refuses %s', (_name, scope) => {
    expect(codeOf(() => scoped.verifySync(signHs256({ ...claims, ...scope }, key)))).toBe('UNAUTHORIZED');
  });

  it('accepts an aud list that names ours', () => {
    const token = signHs256({ ...claims, iss: 'https://id.example', aud: ['other', 'red-packet'] }, key);
    expect(scoped.verifySync(token).userId).toBe('alice');
  });

  it('checks neither when not configured', () => {
    const open = new TokenService(SECRET, () => NOW);
    expect(open.verifySync(signHs256({ ...claims, iss: 'anyone', aud: 'anything' }, key)).userId).toBe(
      'alice',
    );
  });
});

import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketClient, RedPacketError } from '@red-packet/sdk';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

async function connectWith(server: TestServer, token: string): Promise<unknown> {
  const c = new RedPacketClient({ url: server.url, token, reconnectDelayMs: 50 });
  try {
    await c.connect();
    return 'connected';
  } catch (err) {
    return err;
  } finally {
    c.close();
  }
}

describe('authentication', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('accepts a valid token and reports the identity over HTTP', async () => {
    const token = await server.token('alice', 'host', 'Alice');
    expect(await connectWith(server, token)).toBe('connected');
    const me = await server.http('GET', '/v1/me', { token });
    expect(me).toEqual({ status: 200, body: { userId: 'alice', name: 'Alice', role: 'host', balance: 0 } });
  });

  it.each([
    ['no token', ''],
    ['garbage', 'not-a-jwt'],
    ['a forged signature', 'FORGED'],
    ['an expired token', 'EXPIRED'],
    ['another algorithm', 'NONE'],
    ['malformed claims', 'BADCLAIMS'],
  ])('refuses %s on the socket and over HTTP', async (_label, kind) => {
    const key = (s: string): Uint8Array => new TextEncoder().encode(s);
    const now = Math.floor(Date.now() / 1000);
    const tokens: Record<string, () => Promise<string>> = {
      FORGED: () =>
        new SignJWT({ name: 'Mallory', role: 'admin' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('mallory')
          .setExpirationTime('1h')
          .sign(key('some-other-secret-entirely')),
      EXPIRED: () =>
        new SignJWT({ name: 'Old', role: 'user' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('old')
          .setExpirationTime(now - 60)
          .sign(key('test-secret-0123456789abcdef')),
      NONE: () =>
        Promise.resolve(
          `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify({ sub: 'x', name: 'x', role: 'admin', exp: now + 60 }))}.`,
        ),
      BADCLAIMS: () =>
        new SignJWT({ name: 42, role: 'emperor' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setExpirationTime('1h')
          .sign(key('test-secret-0123456789abcdef')),
    };
    const token = tokens[kind] ? await tokens[kind]() : kind;
    const err = await connectWith(server, token);
    expect(err).toBeInstanceOf(RedPacketError);
    expect(err).toMatchObject({ code: 'CONNECT_FAILED', message: 'UNAUTHORIZED' });
    const res = await server.http('GET', '/v1/me', token ? { token } : {});
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('UNAUTHORIZED');
  });

  it('keeps admin routes for admins (FORBIDDEN otherwise)', async () => {
    const user = await server.token('bob');
    const res = await server.http('POST', '/v1/admin/wallets/bob/credit', {
      token: user,
      body: { amount: 100 },
    });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('FORBIDDEN');
    expect((await server.http('GET', '/v1/admin/audit', { token: user })).status).toBe(403);
    expect(await server.http('GET', '/v1/me', { token: user })).toMatchObject({ body: { balance: 0 } });
  });

  it('issues dev tokens when enabled, and they work', async () => {
    const res = await server.http('POST', '/v1/dev/token', {
      body: { userId: 'dev1', name: 'Dev One', role: 'host' },
    });
    expect(res.status).toBe(200);
    const token = res.body.token as string;
    expect(await server.http('GET', '/v1/me', { token })).toMatchObject({
      status: 200,
      body: { userId: 'dev1', role: 'host' },
    });
    const bad = await server.http('POST', '/v1/dev/token', { body: { userId: 'has space', name: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('INVALID_PAYLOAD');
  });
});

describe('dev tokens off', () => {
  it('does not serve /v1/dev/token when a secret is set without DEV_TOKENS', async () => {
    const server = await startTestServer({ DEV_TOKENS: '0' });
    try {
      const res = await server.http('POST', '/v1/dev/token', {
        body: { userId: 'x', name: 'x', role: 'admin' },
      });
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe('NOT_FOUND');
    } finally {
      await server.close();
    }
  });
});

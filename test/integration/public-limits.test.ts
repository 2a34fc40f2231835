/**
 * The limits a public endpoint needs (README, "Security"), each driven through real sockets
 * and real HTTP against a real server: handshake timeout, sockets per address and per user,
 * the Origin allow-list, HTTP rates, the per-user event budget and token expiry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RedPacketError } from '@red-packet/sdk';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (env: Record<string, string>): Promise<TestServer> => {
  server = await startTestServer(env);
  return server;
};

interface RawSocket {
  ws: WebSocket;
  /** True when the server answered the upgrade and sent engine.io's OPEN packet. */
  opened: boolean;
  closed: Promise<void>;
}

/** A bare engine.io websocket that never sends socket.io's CONNECT (what a flood holds open). */
function openRaw(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return new Promise((resolve) => {
    ws.once('message', () => resolve({ ws, opened: true, closed }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ ws, opened: false, closed: Promise.resolve() });
    });
    ws.once('error', () => resolve({ ws, opened: false, closed: Promise.resolve() }));
  });
}

const within = <T>(ms: number, p: Promise<T>): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

async function metric(s: TestServer, name: string, labels: string): Promise<number> {
  const text = (await s.http('GET', '/metrics')).body as { text?: string };
  const line = (text.text ?? '').split('\n').find((l) => l.startsWith(name) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('handshake timeout', () => {
  it('closes sockets that never send CONNECT, and those whose CONNECT was refused', async () => {
    // JSON wire format: the hand-written CONNECT below is a text frame.
    const s = await start({ WS_HANDSHAKE_TIMEOUT_MS: '300', WIRE_FORMAT: 'json' });
    const silent = await Promise.all(Array.from({ length: 20 }, () => openRaw(s.url)));
    expect(silent.every((r) => r.opened)).toBe(true);
    // A CONNECT with a bad token: the auth middleware refuses it, the transport stays open.
    const refused = await openRaw(s.url);
    refused.ws.send('40{"token":"nope"}');
    const all = await within(3000, Promise.all([...silent, refused].map((r) => r.closed)));
    expect(all).not.toBe('timeout');
    expect(await metric(s, 'rp_connections_refused_total', 'reason="handshake_timeout"')).toBe(21);
    // An authenticated client is not touched.
    const alice = await s.client('alice');
    await new Promise((r) => setTimeout(r, 500));
    expect(alice.connected).toBe(true);
  });
});

describe('sockets per address', () => {
  it('refuses the upgrade past WS_MAX_PER_IP, and takes one again once one closes', async () => {
    const s = await start({ WS_MAX_PER_IP: '5' });
    const five = await Promise.all(Array.from({ length: 5 }, () => openRaw(s.url)));
    expect(five.every((r) => r.opened)).toBe(true);
    expect((await openRaw(s.url)).opened).toBe(false);
    five[0]?.ws.close();
    await five[0]?.closed;
    expect((await openRaw(s.url)).opened).toBe(true);
    expect(await metric(s, 'rp_connections_refused_total', 'reason="ip_cap"')).toBe(1);
  });

  it('counts the forwarded address behind a trusted proxy', async () => {
    const s = await start({ WS_MAX_PER_IP: '2', TRUSTED_PROXIES: '127.0.0.1' });
    const from = (ip: string): Promise<RawSocket> => openRaw(s.url, { 'x-forwarded-for': ip });
    expect((await Promise.all([from('10.0.0.1'), from('10.0.0.1')])).every((r) => r.opened)).toBe(true);
    expect((await from('10.0.0.1')).opened).toBe(false);
    expect((await from('10.0.0.2')).opened).toBe(true);
  });
});

describe('sockets per user', () => {
  it('refuses a connection past WS_MAX_PER_USER; other users connect', async () => {
    const s = await start({ WS_MAX_PER_USER: '2' });
    await s.client('alice');
    await s.client('alice');
    const third = await s.client('alice').then(
      () => null,
      (err: unknown) => err,
    );
    expect(third).toBeInstanceOf(RedPacketError);
    expect((third as RedPacketError).message).toBe('LIMIT_EXCEEDED');
    expect((await s.client('bob')).connected).toBe(true);
    expect(await metric(s, 'rp_connections_refused_total', 'reason="user_cap"')).toBe(1);
  });
});

describe('Origin', () => {
  it('allows same-host and no-Origin handshakes by default, refuses a foreign one', async () => {
    const s = await start({});
    const host = new URL(s.url).host;
    expect((await openRaw(s.url)).opened).toBe(true);
    expect((await openRaw(s.url, { origin: `http://${host}` })).opened).toBe(true);
    expect((await openRaw(s.url, { origin: 'https://evil.example' })).opened).toBe(false);
    expect(await metric(s, 'rp_connections_refused_total', 'reason="origin"')).toBe(1);
  });

  it('takes exactly the listed origins when ALLOWED_ORIGINS is set', async () => {
    const s = await start({ ALLOWED_ORIGINS: 'https://game.example' });
    expect((await openRaw(s.url, { origin: 'https://game.example' })).opened).toBe(true);
    expect((await openRaw(s.url, { origin: `http://${new URL(s.url).host}` })).opened).toBe(false);
  });

  it('refuses state-changing HTTP from a foreign Origin and answers CORS for an allowed one', async () => {
    const s = await start({ ALLOWED_ORIGINS: 'https://game.example' });
    const post = (origin?: string): Promise<Response> =>
      fetch(`${s.url}/v1/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ userId: 'alice', name: 'Alice', role: 'user' }),
      });
    const foreign = await post('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await post()).status).toBe(200);
    const allowed = await post('https://game.example');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://game.example');
    const preflight = await fetch(`${s.url}/v1/dev/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://game.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    // Reads from a foreign page are not refused, but get no CORS header (the browser hides them).
    const read = await fetch(`${s.url}/healthz`, { headers: { origin: 'https://evil.example' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('HTTP rates', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the per-address burst', async () => {
    const s = await start({ RATE_LIMIT_HTTP_IP_PER_SEC: '5', RATE_LIMIT_HTTP_IP_BURST: '10' });
    const answers = await Promise.all(Array.from({ length: 60 }, () => fetch(`${s.url}/healthz`)));
    const limited = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(10);
    expect(limited).toHaveLength(50);
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited[0]?.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });

  it('limits each user on their own', async () => {
    const s = await start({ RATE_LIMIT_HTTP_USER_PER_SEC: '1', RATE_LIMIT_HTTP_USER_BURST: '3' });
    const alice = await s.token('alice');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.http('GET', '/v1/me', { token: alice })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await s.http('GET', '/v1/me', { token: await s.token('bob') })).status).toBe(200);
  });
});

describe('per-user event budget', () => {
  it("shares one budget across a user's sockets", async () => {
    const s = await start({
      RATE_LIMIT_EVENTS_PER_SEC: '100',
      RATE_LIMIT_EVENTS_BURST: '100',
      RATE_LIMIT_USER_PER_SEC: '1',
      RATE_LIMIT_USER_BURST: '10',
    });
    const sockets = await Promise.all([s.client('alice'), s.client('alice'), s.client('alice')]);
    const outcomes = await Promise.all(
      sockets.flatMap((c) =>
        Array.from({ length: 8 }, () =>
          c.request('time:sync', {}).then(
            () => 'ok',
            (err: unknown) => (err as RedPacketError).code,
          ),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(14);
    const bob = await s.client('bob');
    await expect(bob.request('time:sync', {})).resolves.toBeDefined();
  });
});

describe('token expiry on a live socket', () => {
  const shortToken = (s: TestServer, userId: string): Promise<string> =>
    s.app.tokens.sign({ userId, name: userId, role: 'user' }, 1);

  it('asks for a refresh, then closes a socket that does not renew', async () => {
    const s = await start({ TOKEN_EXPIRY_GRACE_MS: '300' });
    const client = await s.client('alice', 'user', { token: await shortToken(s, 'alice') });
    const expired = await client.waitFor('auth:expired', () => true, 3000);
    expect(expired.graceMs).toBe(300);
    const gone = await within(2000, new Promise<void>((r) => client.socket.once('disconnect', () => r())));
    expect(gone).not.toBe('timeout');
    expect(await metric(s, 'rp_connections_refused_total', 'reason="token_expired"')).toBe(1);
  });

  it('keeps a socket whose SDK renews through its token provider', async () => {
    const s = await start({ TOKEN_EXPIRY_GRACE_MS: '300' });
    let issued = 0;
    const client = await s.client('alice', 'user', {
      token: () => {
        issued += 1;
        // The first token expires within a second; the renewal lasts an hour.
        return s.app.tokens.sign({ userId: 'alice', name: 'alice', role: 'user' }, issued === 1 ? 1 : 3600);
      },
    });
    await client.waitFor('auth:expired', () => true, 3000);
    // Past the grace period (300 ms): nothing to wait for but the absence of a disconnect.
    await new Promise((r) => setTimeout(r, 800));
    expect(client.connected).toBe(true);
    expect(issued).toBe(2);
    await expect(client.request('time:sync', {})).resolves.toBeDefined();
  });
});

describe('what a connection keeps once connected (connection-footprint.ts)', () => {
  it('drops the handshake headers, query and token and socket.io’s own room, and still works', async () => {
    const s = await start({});
    const alice = await s.client('alice');
    await alice.join('lobby');
    const [socket] = [...s.app.io.sockets.sockets.values()];
    expect(socket?.handshake.headers).toEqual({});
    expect(socket?.handshake.auth).not.toHaveProperty('token');
    expect(socket?.request).toBeUndefined();
    expect([...(socket?.rooms ?? [])]).toEqual(['r:lobby']);
    // The user's own events (UserSockets) and room broadcasts still arrive.
    const wallet = alice.waitFor('wallet:updated', () => true, 3000);
    await s.mint('alice', 500);
    expect((await wallet).balance).toBe(500);
    const bob = await s.client('bob');
    await bob.join('lobby');
    await s.mint('bob', 500);
    const created = alice.waitFor('packet:created', () => true, 3000);
    await bob.sendPacket({ roomId: 'lobby', kind: 'equal', amount: 10, count: 2 });
    const grabbed = await alice.grab((await created).id);
    expect(grabbed.amount).toBe(10);
    await s.expectBalanced();
  });

  it('reaches a user over one, two and again one connection (UserSockets)', async () => {
    const s = await start({});
    const first = await s.client('alice');
    const second = await s.client('alice');
    const both = Promise.all([first, second].map((c) => c.waitFor('wallet:updated', () => true, 3000)));
    await s.mint('alice', 100);
    expect((await both).map((w) => w.balance)).toEqual([100, 100]);
    const serverSide = s.app.io.sockets.sockets.get(second.socket.id ?? '');
    const gone = new Promise<void>((r) => serverSide?.once('disconnect', () => r()));
    second.close();
    await gone;
    const again = first.waitFor('wallet:updated', () => true, 3000);
    await s.mint('alice', 100);
    expect((await again).balance).toBe(200);
  });
});

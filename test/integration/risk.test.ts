/**
 * Risk control on one node, through the SDK and HTTP, on the memory store and on Redis:
 * step-up, the identical-amount breaker, daily caps, grab cooldown, received cap, bans and
 * account clustering, and the operator's view.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient, RedPacketError } from '@red-packet/sdk';
import { TokenService } from '../../server/auth/tokens.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../helpers/test-server.js';

const tokens = new TokenService(TEST_SECRET);
/** A token from a sign-in `agoSec` seconds ago. */
const oldToken = (userId: string, agoSec: number, role: 'user' | 'host' = 'user'): Promise<string> =>
  tokens.sign({ userId, name: userId, role }, 86_400, Math.floor(Date.now() / 1000) - agoSec);

const rejection = async (p: Promise<unknown>): Promise<RedPacketError> => {
  try {
    await p;
  } catch (err) {
    return err as RedPacketError;
  }
  throw new Error('expected a rejection');
};

interface RiskView {
  flags: { id: string; rule: string; userIds: string[]; evidence: Record<string, unknown> }[];
  breakers: { userId: string; until: number }[];
  bans: { userId: string; reason: string }[];
  top: { senders: { userId: string; fen: number }[]; receivers: { userId: string; fen: number }[] };
}

describe.each(storeBackends())('risk control on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer | undefined;
  let servers = 0;
  beforeAll(async () => {
    backend = await makeBackend();
  });
  afterAll(() => backend.destroy());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (env: Record<string, string>): Promise<TestServer> => {
    // A key prefix per server: each test starts from an empty store.
    const prefix: Record<string, string> = backend.env.REDIS_KEY_PREFIX
      ? { REDIS_KEY_PREFIX: `${backend.env.REDIS_KEY_PREFIX}${++servers}:` }
      : {};
    server = await startTestServer({ ...backend.env, ...prefix, ...env });
    return server;
  };
  const admin = async (s: TestServer): Promise<string> => s.token('risk-admin', 'admin');
  const riskView = async (s: TestServer): Promise<RiskView> => {
    const res = await s.http('GET', '/v1/admin/risk', { token: await admin(s) });
    expect(res.status).toBe(200);
    return res.body as unknown as RiskView;
  };
  const equal = (roomId: string, amount: number, count = 1) =>
    ({ roomId, kind: 'equal', amount, count }) as const;

  it('step-up: VERIFICATION_REQUIRED past the daily sends, then a fresh token passes (SDK)', async () => {
    const s = await start({ RISK_VERIFY_AFTER_SENDS: '2', RISK_VERIFY_MAX_AGE_SEC: '60' });
    await s.mint('stepper', 10_000);
    const app = await s.client('stepper', 'user', { token: await oldToken('stepper', 600) });
    await app.join('step');
    await app.sendPacket(equal('step', 100));
    await app.sendPacket(equal('step', 101));
    const err = await rejection(app.sendPacket(equal('step', 102)));
    expect(err.code).toBe('VERIFICATION_REQUIRED');
    expect(err.details.limit).toBe('step-up');
    expect((await s.http('GET', '/v1/me', { token: await s.token('stepper') })).body.balance).toBe(
      10_000 - 201,
    );

    // Someone else's token is refused.
    expect((await rejection(app.reauthenticate(await s.token('intruder')))).code).toBe('FORBIDDEN');

    // The app signs in again (dev mode mints fresh tokens) and retries.
    const fresh = await s.http('POST', '/v1/dev/token', { body: { userId: 'stepper', name: 'stepper' } });
    expect(await app.reauthenticate(fresh.body.token as string)).toBeGreaterThan(Date.now() - 60_000);
    const { packet } = await app.sendPacket(equal('step', 102));
    expect(packet.total).toBe(102);

    // Or the SDK does it by itself through onVerificationRequired.
    let asked = 0;
    const auto = await s.client('stepper', 'user', {
      token: await oldToken('stepper', 600),
      onVerificationRequired: async () => {
        asked += 1;
        return s.token('stepper');
      },
    });
    await auto.join('step');
    expect((await auto.sendPacket(equal('step', 103))).packet.total).toBe(103);
    expect(asked).toBe(1);
    await s.expectBalanced();
  });

  it('five identical amounts in a row trip the breaker; an operator sees and clears it', async () => {
    const s = await start({ RISK_BREAKER_REPEAT: '5', RISK_BREAKER_COOLDOWN_SEC: '600' });
    await s.mint('gambler', 100_000);
    const gambler = await s.client('gambler');
    await gambler.join('jielong');
    for (let i = 0; i < 4; i++) await gambler.sendPacket(equal('jielong', 888));
    const err = await rejection(gambler.sendPacket(equal('jielong', 888)));
    expect(err.code).toBe('RISK_BLOCKED');
    expect(err.details).toMatchObject({ limit: 'breaker' });
    expect(err.retryAfterMs).toBeGreaterThan(599_000);
    expect((await rejection(gambler.sendPacket(equal('jielong', 5)))).code).toBe('RISK_BLOCKED');

    // Over HTTP: 429 with Retry-After.
    const res = await fetch(`${s.url}/v1/rooms/jielong/packets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.token('gambler')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'equal', amount: 7, count: 1 }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(590);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RISK_BLOCKED');

    const me = await s.http('GET', '/v1/me', { token: await s.token('gambler') });
    expect(me.body.balance).toBe(100_000 - 4 * 888);
    const view = await riskView(s);
    const flag = view.flags.find((f) => f.rule === 'breaker');
    expect(flag).toMatchObject({ userIds: ['gambler'], evidence: { amount: 888, repeat: 5 } });
    expect(view.breakers.map((b) => b.userId)).toEqual(['gambler']);

    const cleared = await s.http('POST', `/v1/admin/risk/flags/${encodeURIComponent(flag!.id)}/clear`, {
      token: await admin(s),
    });
    expect(cleared).toMatchObject({ status: 200, body: { cleared: true } });
    await gambler.sendPacket(equal('jielong', 888));
    expect((await riskView(s)).breakers).toEqual([]);
    const metrics = await s.http('GET', '/metrics');
    expect(metrics.body.text).toMatch(
      /rp_risk_decisions_total\{[^}]*rule="breaker",outcome="refuse"[^}]*\} 3/,
    );
    await s.expectBalanced();
  });

  it('a daily cap refuses with which limit and when it resets (HTTP 429 + Retry-After)', async () => {
    const s = await start({ RISK_DAILY_MAX_SENDS: '2' });
    await s.mint('capped', 10_000);
    const token = await s.token('capped');
    const post = () =>
      s.http('POST', '/v1/rooms/r1/packets', { token, body: { kind: 'lucky', total: 100, count: 2 } });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'DAILY_LIMIT', limit: 'daily-sends' });
    expect(refused.body.error!.resetAt).toBeGreaterThan(Date.now());
    expect(refused.body.error!.resetAt).toBeLessThanOrEqual(Date.now() + 86_400_000);
    const mine = await s.http('GET', '/v1/me/risk', { token });
    expect(mine.body).toMatchObject({ totals: { sends: 2, sentFen: 200 }, limits: { dailyMaxSends: 2 } });
    expect((await s.http('GET', '/v1/me', { token })).body.balance).toBe(9_800);
    await s.expectBalanced();
  });

  it('a user whose grabs keep failing is cooled down (RATE_LIMITED with retryAfterMs)', async () => {
    const s = await start({ RISK_GRAB_FAIL_MAX: '3', RISK_GRAB_COOLDOWN_SEC: '30' });
    const prober = await s.client('prober');
    for (let i = 0; i < 3; i++) expect((await rejection(prober.grab(`pk_nope${i}`))).code).toBe('NOT_FOUND');
    const err = await rejection(prober.grab('pk_nope9'));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.details.limit).toBe('grab-cooldown');
    expect(err.retryAfterMs).toBeGreaterThan(29_000);
    // Others are not affected.
    expect((await rejection((await s.client('bystander')).grab('pk_nope'))).code).toBe('NOT_FOUND');
  });

  it('stops grabs once the daily received cap is reached', async () => {
    const s = await start({ RISK_DAILY_MAX_RECEIVED_FEN: '150' });
    await s.mint('giver', 10_000);
    const giver = await s.client('giver');
    const taker = await s.client('taker');
    for (const c of [giver, taker]) await c.join('gifts');
    const first = await giver.sendPacket(equal('gifts', 100, 2));
    const second = await giver.sendPacket(equal('gifts', 100, 2));
    const third = await giver.sendPacket(equal('gifts', 100, 2));
    await taker.grab(first.packet.id);
    await s.app.risk.flush();
    await taker.grab(second.packet.id); // 200 ≥ 150: this one crosses the cap and is paid
    await s.app.risk.flush();
    const err = await rejection(taker.grab(third.packet.id));
    expect(err).toMatchObject({ code: 'DAILY_LIMIT', details: { limit: 'daily-received-fen' } });
    expect((await riskView(s)).top.receivers).toEqual([{ userId: 'taker', fen: 200 }]);
    await s.expectBalanced();
  });

  it('a ban disconnects the user, refuses handshakes and HTTP, and keeps their money', async () => {
    const s = await start({});
    await s.mint('cheat', 5_000);
    const [one, two] = await Promise.all([s.client('cheat'), s.client('cheat')]);
    await one.join('lobby');
    await one.sendPacket(equal('lobby', 1_000));
    const gone = [one, two].map(
      (c: RedPacketClient) => new Promise<void>((r) => c.socket.once('disconnect', () => r())),
    );
    const banned = await s.http('POST', '/v1/admin/users/cheat/ban', {
      token: await admin(s),
      body: { reason: 'scripted grabbing' },
    });
    expect(banned).toMatchObject({
      status: 200,
      body: { ban: { userId: 'cheat', reason: 'scripted grabbing' } },
    });
    await Promise.all(gone);

    const refused = await rejection(s.client('cheat'));
    expect(refused.code).toBe('CONNECT_FAILED');
    expect(refused.message).toBe('FORBIDDEN');
    expect(refused.details.reason).toBe('this account is banned (scripted grabbing); contact support');
    const http = await s.http('GET', '/v1/me', { token: await s.token('cheat') });
    expect(http).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect((await riskView(s)).bans.map((b) => b.userId)).toEqual(['cheat']);
    expect(await s.app.store.wallets.getBalance('cheat')).toBe(4_000);
    await s.expectBalanced();

    expect((await s.http('POST', '/v1/admin/users/cheat/unban', { token: await admin(s) })).body).toEqual({
      unbanned: true,
    });
    const back = await s.client('cheat');
    expect(back.connected).toBe(true);
    expect((await s.http('GET', '/v1/me', { token: await s.token('cheat') })).body.balance).toBe(4_000);
  });

  it('flags more accounts than allowed winning one packet from one device, with evidence', async () => {
    const s = await start({ RISK_MAX_ACCOUNTS_PER_DEVICE: '2' });
    await s.mint('host', 10_000);
    const host = await s.client('host');
    await host.join('farm');
    const farm = await Promise.all(
      ['f1', 'f2', 'f3'].map((u) => s.client(u, 'user', { deviceId: 'phone-42' })),
    );
    for (const c of farm) await c.join('farm');
    const { packet } = await host.sendPacket(equal('farm', 10, 5));
    for (const c of farm) await c.grab(packet.id);
    await s.app.risk.flush();
    const flag = (await riskView(s)).flags.find((f) => f.rule === 'cluster-device');
    expect(flag).toMatchObject({
      userIds: ['f1', 'f2', 'f3'],
      evidence: { sourceId: packet.id, deviceId: 'phone-42', accounts: 3, limit: 2 },
    });
    expect(
      (
        await s.http('POST', `/v1/admin/risk/flags/${encodeURIComponent(flag!.id)}/clear`, {
          token: await admin(s),
        })
      ).status,
    ).toBe(200);
    expect((await riskView(s)).flags).toEqual([]);
  });

  it('enforcing mode refuses the extra account of a device, and pays it nothing', async () => {
    const s = await start({ RISK_MAX_ACCOUNTS_PER_DEVICE: '2', RISK_CLUSTER_ENFORCE: '1' });
    await s.mint('host', 10_000);
    const host = await s.client('host');
    await host.join('farm');
    const farm = await Promise.all(
      ['e1', 'e2', 'e3'].map((u) => s.client(u, 'user', { deviceId: 'phone-7' })),
    );
    for (const c of farm) await c.join('farm');
    const { packet } = await host.sendPacket(equal('farm', 10, 5));
    await farm[0]!.grab(packet.id);
    await farm[1]!.grab(packet.id);
    const err = await rejection(farm[2]!.grab(packet.id));
    expect(err).toMatchObject({ code: 'FORBIDDEN', details: { limit: 'cluster-device' } });
    const details = await s.http('GET', `/v1/packets/${packet.id}`, { token: await s.token('host') });
    expect((details.body.claims as unknown[]).length).toBe(2);
    expect((await riskView(s)).flags.map((f) => f.rule)).toEqual(['cluster-device']);
    await s.expectBalanced();
  });

  it('refuses a malformed device id in the handshake', async () => {
    const s = await start({});
    const err = await rejection(s.client('odd', 'user', { deviceId: 'bad id!' }));
    expect(err.message).toBe('INVALID_PAYLOAD');
    expect(err.details.reason).toMatch(/^deviceId/);
  });
});

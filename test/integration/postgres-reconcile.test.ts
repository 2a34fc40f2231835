/**
 * Reconciliation (对账) of Redis balances against the PostgreSQL ledger, on one real Redis and
 * one real PostgreSQL: a clean state reports nothing; a balance changed by hand in Redis
 * (HINCRBY) is found by `GET /v1/admin/reconcile?all=1` at once (grace 0 here) and by the
 * periodic pass on its second sighting (a first difference is only a suspect: it may be a
 * step in flight), reported in rp_ledger_reconcile_mismatches, a warn log and the endpoint;
 * put right, it is reported no more.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient } from '@red-packet/sdk';
import type { ReconcileReport } from '@red-packet/sdk/protocol';
import { startLedgerBackends, type LedgerBackends } from '../helpers/ledger-backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('reconciliation of Redis balances against the PostgreSQL ledger', () => {
  let backends: LedgerBackends;
  let server: TestServer;
  let admin: string;
  let host: RedPacketClient;
  let player: RedPacketClient;
  const warnings: Record<string, unknown>[] = [];

  const reconcile = async (query = ''): Promise<ReconcileReport> => {
    const res = await server.http('GET', `/v1/admin/reconcile${query}`, { token: admin });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as ReconcileReport;
  };
  const gauge = async (): Promise<string | undefined> =>
    /rp_ledger_reconcile_mismatches\{[^}]*\} (\d+)/.exec(
      await (await fetch(`${server.url}/metrics`)).text(),
    )?.[1];
  /** One more grab by the player: their wallet is touched again. */
  const grabOne = async (): Promise<void> => {
    const { packet } = await host.sendPacket({ roomId: 'rc', kind: 'equal', amount: 5, count: 1 });
    await player.grab(packet.id);
  };

  beforeAll(async () => {
    backends = await startLedgerBackends('reconcile');
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        warnings.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    server = await startTestServer(
      {
        ...backends.env,
        RECONCILE_INTERVAL_MS: '3600000',
        // Passes run when the test calls them; a second read confirms at once.
        LEDGER_RECONCILE_INTERVAL_MS: '0',
        LEDGER_RECONCILE_GRACE_MS: '0',
      },
      { logger: pino({ level: 'warn' }, logs) },
    );
    admin = await server.token('rc-admin', 'admin');
    await server.mint('rc-host', 1_000);
    host = await server.client('rc-host', 'host', { ackTimeoutMs: 5_000 });
    player = await server.client('rc-p', 'user', { ackTimeoutMs: 5_000 });
    await Promise.all([host.join('rc'), player.join('rc')]);
    await grabOne();
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await backends.destroy();
  });

  it('reports nothing on a clean state', async () => {
    const touched = await server.app.balances!.pass();
    expect(touched.checked).toBeGreaterThanOrEqual(2); // the host and the player
    expect(touched.mismatches).toEqual([]);
    const all = await reconcile('?all=1');
    expect(all).toMatchObject({ all: true, mismatches: [] });
    expect(all.checked).toBeGreaterThanOrEqual(2);
    expect(await gauge()).toBe('0');
  });

  it('finds a balance changed by hand in Redis: endpoint, periodic pass, metric and log', async () => {
    await backends.direct.hincrby(backends.keys.wallet('rc-p'), 'balance', 7);
    const expected = { userId: 'rc-p', redis: 12, postgres: 5, difference: 7 };
    expect((await reconcile('?all=1')).mismatches).toEqual([expected]);

    await grabOne(); // touched again: the periodic pass looks at it
    const first = await server.app.balances!.pass();
    expect(first.mismatches).toEqual([]); // a first sighting is a suspect (a step may be in flight)
    const second = await server.app.balances!.pass();
    expect(second.mismatches).toEqual([{ ...expected, redis: 17, postgres: 10 }]);
    expect(await gauge()).toBe('1');
    const warned = warnings.filter((w) => w.userId === 'rc-p' && String(w.msg).startsWith('reconciliation'));
    expect(warned.map((w) => w.difference)).toContain(7);
    // Only an admin may ask.
    const asPlayer = await server.http('GET', '/v1/admin/reconcile', { token: await server.token('rc-p') });
    expect(asPlayer.status).toBe(403);
    const bad = await server.http('GET', '/v1/admin/reconcile?all=yes', { token: admin });
    expect(bad.status).toBe(400);

    await backends.direct.hincrby(backends.keys.wallet('rc-p'), 'balance', -7);
    expect((await server.app.balances!.pass()).mismatches).toEqual([]);
    expect((await reconcile('?all=1')).mismatches).toEqual([]);
    expect(await gauge()).toBe('0');
  });
});

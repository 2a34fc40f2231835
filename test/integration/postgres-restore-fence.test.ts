/**
 * Nodes fenced while Redis is restored from the ledger, and the emptied Redis found under a
 * running node (issue 25), on one real Redis and one real PostgreSQL. Each case drives the
 * node's restore check itself (`restoreWatch.check()`, what the probe tick runs), so nothing
 * waits on a timer:
 *  - a restore marker held → money answers STORE_UNAVAILABLE, chat works, /readyz is 503,
 *    rp_ledger_restoring is 1; marker gone → money works again;
 *  - FLUSHALL under a node with LEDGER_AUTO_RESTORE=0 → fenced until `npm run restore`;
 *  - FLUSHALL under a node with auto-restore → it restores Redis itself and resumes;
 *  - a node starting on an emptied Redis restores it before serving money.
 * After each restore every acknowledged grab is in its wallet once and the audits agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient } from '@red-packet/sdk';
import { runRestoreCommand } from '../../server/cli/restore-command.js';
import { auditPostgres, walletBalances } from '../../server/store/ledger/index.js';
import { startLedgerBackends, type LedgerBackends } from '../helpers/ledger-backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('fenced while Redis is restored from the ledger', () => {
  let backends: LedgerBackends;
  let server: TestServer;
  let host: RedPacketClient;
  let player: RedPacketClient;
  let packetId = '';
  /** What each user's acknowledged grabs add up to. */
  const earned = new Map<string, number>();

  const start = async (extra: Record<string, string>): Promise<void> => {
    // The checks run when a case calls them (no probe tick races a case's own check).
    server = await startTestServer({
      ...backends.env,
      RECONCILE_INTERVAL_MS: '3600000',
      STORE_PROBE_MS: '600000',
      ...extra,
    });
    host = await server.client('fx-host', 'host', { ackTimeoutMs: 5_000 });
    player = await server.client('fx-p', 'user', { ackTimeoutMs: 5_000 });
    await Promise.all([host.join('fx'), player.join('fx')]);
  };
  const grab = async (userId: string, client: RedPacketClient, id: string): Promise<void> => {
    const { amount } = await client.grab(id);
    earned.set(userId, (earned.get(userId) ?? 0) + amount);
  };
  const watch = () => server.app.restoreWatch!;
  const restoringGauge = async (): Promise<string | undefined> =>
    /rp_ledger_restoring\{[^}]*\} (\d)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1];

  /** Every acknowledged grab in its wallet once, in Redis and PostgreSQL; both audits agree. */
  const expectRestored = async (): Promise<void> => {
    const inPostgres = await walletBalances(backends.pool);
    for (const [userId, amount] of earned) {
      expect(Number(await backends.direct.hget(backends.keys.wallet(userId), 'balance')), userId).toBe(
        amount,
      );
      expect(inPostgres.get(userId), userId).toBe(amount);
    }
    const onRedis = await server.expectBalanced();
    const onPostgres = await auditPostgres(backends.pool);
    expect(onPostgres.balanced, JSON.stringify(onPostgres)).toBe(true);
    expect([onPostgres.minted, onPostgres.wallets, onPostgres.escrow]).toEqual([
      onRedis.minted,
      onRedis.wallets,
      onRedis.escrow,
    ]);
  };

  beforeAll(async () => {
    backends = await startLedgerBackends('fence');
    await start({});
    await server.mint('fx-host', 10_000);
    packetId = (await host.sendPacket({ roomId: 'fx', kind: 'equal', amount: 10, count: 20 })).packet.id;
    await grab('fx-p', player, packetId);
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await backends.destroy();
  });

  it('a held restore marker fences money off (chat works, /readyz 503) until it is gone', async () => {
    expect(await backends.direct.exists(backends.keys.restoreSentinel())).toBe(1); // written at start
    await backends.direct.set(backends.keys.restoreMarker(), 'an operator', 'PX', 60_000);
    await watch().check();
    expect(watch().fenced).toBe(true);
    await expect(player.grab(packetId)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    // A drop grab is refused by the fence before the rain is read (a restored Redis may not
    // hold the rain yet: NOT_FOUND would be wrong).
    await expect(player.grabDrop('rn_not-restored-yet', 'dr_x')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    await expect(host.sendPacket({ roomId: 'fx', kind: 'equal', amount: 1, count: 1 })).rejects.toMatchObject(
      {
        code: 'STORE_UNAVAILABLE',
      },
    );
    await expect(player.chat('fx', 'still talking')).resolves.toBeDefined();
    expect((await server.http('GET', '/readyz')).status).toBe(503);
    expect(await restoringGauge()).toBe('1');

    await backends.direct.del(backends.keys.restoreMarker());
    await watch().check();
    expect(watch().fenced).toBe(false);
    expect((await server.http('GET', '/readyz')).status).toBe(200);
    expect(await restoringGauge()).toBe('0');
    const other = await server.client('fx-q', 'user', { ackTimeoutMs: 5_000 });
    await other.join('fx');
    await grab('fx-q', other, packetId);
  });

  it('FLUSHALL under a node without auto-restore: fenced until `npm run restore`, then money resumes', async () => {
    await server.close();
    await start({ LEDGER_AUTO_RESTORE: '0' });
    await backends.direct.flushall();
    await watch().check();
    expect(watch().fenced).toBe(true);
    await expect(player.grab(packetId)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(player.chat('fx', 'anyone there?')).resolves.toBeDefined();
    await watch().check(); // still lost: still fenced, nothing restored by the node
    expect(watch().fenced).toBe(true);
    expect(await backends.direct.exists(backends.keys.wallet('fx-host'))).toBe(0);

    const restored = await runRestoreCommand([], backends.env);
    expect(restored.exitCode, restored.output).toBe(0);
    expect(
      await backends.direct.exists(
        backends.keys.restoreSentinel(),
        backends.keys.restoreMarker(),
        backends.keys.restorePending(),
      ),
    ).toBe(1);
    await watch().check();
    expect(watch().fenced).toBe(false);
    await expect(player.grab(packetId)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    await expectRestored();
  });

  it('FLUSHALL under a node with auto-restore: the node restores Redis itself and resumes', async () => {
    await server.close();
    await start({});
    await backends.direct.flushall();
    await watch().check();
    expect(watch().fenced).toBe(true); // from the moment the loss is seen until the restore is done
    await watch().idle();
    expect(watch().fenced).toBe(false);
    expect(await backends.direct.get(backends.keys.restoreMarker())).toBeNull();
    await expect(player.grab(packetId)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    const late = await server.client('fx-r', 'user', { ackTimeoutMs: 5_000 });
    await late.join('fx');
    await grab('fx-r', late, packetId);
    await expectRestored();
  });

  it('a node starting on an emptied Redis restores it before serving money', async () => {
    await server.close();
    await backends.direct.flushall();
    await start({});
    await watch().idle();
    expect(watch().fenced).toBe(false);
    expect(await backends.direct.exists(backends.keys.restoreSentinel())).toBe(1);
    await expectRestored();
    expect(Number(await backends.direct.hget(backends.keys.wallet('fx-host'), 'balance'))).toBe(10_000 - 200);
  });
});

/**
 * PostgreSQL as the record of money under faults (issue 25), on real processes: two node
 * processes, one redis-server, one PostgreSQL, SDK clients grabbing. What the clients saw
 * acknowledged (ok, with an amount) is compared with both stores after each fault:
 *
 *   A  Redis kill -9, restarted empty (its dataset lost) → `npm run restore` from PostgreSQL
 *   B  PostgreSQL kill -9 under load → STORE_UNAVAILABLE, chat works, /readyz 503 → 200
 *   C  a node kill -9 between the Redis claim and the commit (PostgreSQL frozen to hold the
 *      commit) → the client's retry on the other node commits the claim's rows
 *
 * After each: every acknowledged grab is a claim and a credit in PostgreSQL and a credit in
 * its owner's Redis ledger, every wallet's Redis balance equals its PostgreSQL balance, and
 * the two audits balance and agree.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketClient } from '@red-packet/sdk';
import type { AuditReport } from '@red-packet/sdk/protocol';
import { runRestoreCommand } from '../../server/cli/restore-command.js';
import { auditPostgres, walletBalances } from '../../server/store/ledger/index.js';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { gameApi } from '../helpers/game-api.js';
import { startGrabLoad, type AckedGrab } from '../helpers/grab-load.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { createDatabase, startPostgres, type PostgresHandle } from '../helpers/postgres-server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

const ROOM = 'faults';
const totals = (r: AuditReport): Pick<AuditReport, 'minted' | 'wallets' | 'escrow' | 'inFlight'> => ({
  minted: r.minted,
  wallets: r.wallets,
  escrow: r.escrow,
  inFlight: r.inFlight,
});
const codeOf = (err: unknown): string => (err as { code?: string }).code ?? String(err);

describe('PostgreSQL ledger under faults, on real processes', () => {
  const api = gameApi();
  let postgres: PostgresHandle;
  let redis: RedisHandle;
  let pool: pg.Pool;
  let direct: Redis;
  let store: RedisStore;
  let env: Record<string, string>;
  let nodes: NodeProcess[];
  let host: RedPacketClient;
  let players: { userId: string; client: RedPacketClient }[];
  /** In the room, out of the load: grabs only when a test says so. */
  let bystander: RedPacketClient;
  const prefix = `pgf-${randomBytes(3).toString('hex')}:`;
  const keys = new RedisKeys(prefix);

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const databaseUrl = await createDatabase(postgres, 'faults');
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on('error', () => undefined); // PostgreSQL is killed on purpose; queries still reject
    direct = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    direct.on('error', () => undefined); // Redis is killed on purpose
    store = new RedisStore('redis', direct, keys, direct);
    env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      RECONCILE_INTERVAL_MS: '1000',
      RECONCILE_GRACE_MS: '2000',
    };
    nodes = await Promise.all([startNodeProcess(env, 'pgf-a'), startNodeProcess(env, 'pgf-b')]);
    await api.mint(nodes[0]!.url, 'pgf-host', 10_000_000);
    host = await api.client(nodes[0]!.url, 'pgf-host', 'host', { ackTimeoutMs: 5_000 });
    players = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const userId = `pgf-p${i}`;
        // Two players on each node.
        const client = await api.client(nodes[i % 2]!.url, userId, 'user', { ackTimeoutMs: 5_000 });
        return { userId, client };
      }),
    );
    bystander = await api.client(nodes[1]!.url, 'pgf-bystander', 'user', { ackTimeoutMs: 5_000 });
    await joinAll();
  }, 90_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail')
      for (const n of nodes) console.log(n.nodeId, n.logs.slice(-40).join('\n'), n.stderr());
  });

  afterAll(async () => {
    if (postgres as PostgresHandle | undefined) {
      try {
        postgres.resume();
      } catch {
        // not running (a test failed while it was killed)
      }
    }
    api.closeClients();
    await Promise.all(nodes.map((n) => n.stop()));
    await pool.end();
    direct.disconnect();
    await Promise.all([redis.destroy(), postgres.destroy()]);
  });

  async function joinAll(): Promise<void> {
    await Promise.all([host, bystander, ...players.map((p) => p.client)].map((c) => c.join(ROOM)));
  }

  const balanceInRedis = async (userId: string): Promise<number> =>
    Number((await direct.hget(keys.wallet(userId), 'balance')) ?? 0);
  const readyz = async (node: NodeProcess): Promise<number> =>
    (await api.http(node.url, 'GET', '/readyz')).status;

  /** Waits for `n` grabs acknowledged by the load (so a fault strikes traffic in motion). */
  async function acks(load: { nextAck(): Promise<AckedGrab> }, n: number): Promise<void> {
    for (let i = 0; i < n; i++) await load.nextAck();
  }

  /** Each acknowledged grab: a claim and a credit in PostgreSQL, a credit in its Redis ledger. */
  async function expectAckedInBoth(acked: AckedGrab[]): Promise<void> {
    expect(acked.length).toBeGreaterThan(0);
    const claims = await pool.query<{ claim_id: string; amount: string }>(
      'SELECT claim_id, amount FROM claims WHERE claim_id = ANY($1)',
      [acked.map((a) => a.claimId)],
    );
    const credits = await pool.query<{ ref: string; amount: string }>(
      "SELECT ref, amount FROM ledger_entries WHERE kind = 'credit' AND ref = ANY($1)",
      [acked.map((a) => a.claimId)],
    );
    const claimed = new Map(claims.rows.map((r) => [r.claim_id, Number(r.amount)]));
    const credited = new Map(credits.rows.map((r) => [r.ref, Number(r.amount)]));
    const inRedis = new Map<string, Set<string>>();
    for (const userId of new Set(acked.map((a) => a.userId))) {
      const ledger = await store.wallets.ledger(userId, 100_000);
      inRedis.set(userId, new Set(ledger.filter((e) => e.kind === 'credit').map((e) => e.ref)));
    }
    for (const a of acked) {
      expect(claimed.get(a.claimId), a.claimId).toBe(a.amount);
      expect(credited.get(a.claimId), a.claimId).toBe(a.amount);
      expect(inRedis.get(a.userId)?.has(a.claimId), a.claimId).toBe(true);
    }
  }

  /**
   * Once nothing is in flight, both audits balance with the same totals, and every wallet's
   * balance in Redis is its balance in PostgreSQL.
   */
  async function expectStoresAgree(): Promise<void> {
    for (const node of nodes.slice(0, 2)) expect(node.alive(), `${node.nodeId}: ${node.stderr()}`).toBe(true);
    await expect
      .poll(async () => (await api.audit(nodes[1]!.url)).inFlight, { timeout: 20_000, interval: 200 })
      .toBe(0);
    const onRedis = await api.expectBalanced(nodes[1]!.url);
    const onPostgres = await auditPostgres(pool);
    expect(onPostgres.balanced, JSON.stringify(onPostgres)).toBe(true);
    expect(totals(onPostgres)).toEqual(totals(onRedis));
    for (const [userId, balance] of await walletBalances(pool))
      expect(await balanceInRedis(userId), userId).toBe(balance);
  }

  it('A: Redis lost (kill -9, restarted empty) → npm run restore; acknowledged grabs are in both stores; the game resumes', async () => {
    const load = startGrabLoad(host, players, ROOM);
    await acks(load, 12);
    await redis.kill();
    // While Redis is gone the nodes refuse money; the clients keep what was acknowledged.
    await load.nextRefusal('STORE_UNAVAILABLE');
    await load.stop();
    await redis.restart({ empty: true });
    expect(await balanceInRedis(players[0]!.userId)).toBe(0);

    const restored = await runRestoreCommand([], env);
    expect(restored.exitCode, restored.output).toBe(0);
    await expectAckedInBoth(load.acked);
    await expectStoresAgree();

    // Memberships are not restored: the clients join again, and the game goes on.
    await joinAll();
    const { packet } = await host.sendPacket({ roomId: ROOM, kind: 'equal', amount: 10, count: 4 });
    const before = await balanceInRedis(players[1]!.userId);
    const { amount } = await players[1]!.client.grab(packet.id);
    expect(amount).toBe(10);
    expect(await balanceInRedis(players[1]!.userId)).toBe(before + 10);
    await expectStoresAgree();
  }, 90_000);

  it('B: PostgreSQL kill -9 under load → STORE_UNAVAILABLE, chat works, /readyz 503 then 200, service resumes by itself', async () => {
    const { packet: open } = await host.sendPacket({ roomId: ROOM, kind: 'equal', amount: 10, count: 8 });
    const load = startGrabLoad(host, players, ROOM);
    await acks(load, 12);
    await postgres.kill();
    await load.nextRefusal('STORE_UNAVAILABLE');
    // A grab during the outage is refused with the code (the gate bounds it by LEDGER_TIMEOUT_MS).
    await expect(bystander.grab(open.id)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(players[2]!.client.chat(ROOM, 'still talking')).resolves.toBeDefined();
    for (const node of nodes) expect(await readyz(node)).toBe(503);

    await postgres.restart(); // crash recovery from the WAL
    for (const node of nodes)
      await expect.poll(() => readyz(node), { timeout: 20_000, interval: 200 }).toBe(200);
    const after = load.acked.length;
    await acks(load, 4); // nobody restarted anything on the nodes: grabs are acknowledged again
    await load.stop();
    expect(load.acked.length).toBeGreaterThan(after);
    await expectAckedInBoth(load.acked);
    await expectStoresAgree();
  }, 90_000);

  /**
   * On a node of its own whose commits wait long enough (30 s), `act` makes a money step
   * while PostgreSQL is frozen; once `userId`'s Redis balance is `stranded` (the step is done
   * in Redis, its ack waits on the commit) the node is killed and PostgreSQL resumed. The step
   * was never acknowledged.
   */
  async function killBeforeCommit(
    tag: string,
    userId: string,
    act: (client: RedPacketClient) => Promise<unknown>,
    stranded: number,
  ): Promise<void> {
    const doomed = await startNodeProcess({ ...env, LEDGER_TIMEOUT_MS: '30000' }, `pgf-doomed-${tag}`);
    nodes.push(doomed);
    const client = await api.client(doomed.url, userId, 'user', {
      ackTimeoutMs: 2_000,
      reconnectDelayMs: 60_000,
    });
    await client.join(ROOM);
    postgres.pause();
    const first = act(client).then(
      () => 'ok',
      (err: unknown) => codeOf(err),
    );
    await expect.poll(() => balanceInRedis(userId), { timeout: 10_000, interval: 20 }).toBe(stranded);
    await doomed.kill();
    postgres.resume();
    expect(await first).not.toBe('ok'); // never acknowledged
  }

  /** The amounts of `userId`'s ledger entries of `kind` (and `ref`) in PostgreSQL. */
  const entries = async (kind: string, userId: string, ref?: string): Promise<number[]> =>
    (
      await pool.query<{ amount: string }>(
        'SELECT amount FROM ledger_entries WHERE kind = $1 AND user_id = $2 AND ($3::text IS NULL OR ref = $3)',
        [kind, userId, ref ?? null],
      )
    ).rows.map((r) => Number(r.amount));

  it('C: a node kill -9 between the Redis claim and the commit → the retry on the other node commits it', async () => {
    const userId = 'pgf-victim';
    const { packet } = await host.sendPacket({ roomId: ROOM, kind: 'equal', amount: 100, count: 2 });
    await killBeforeCommit('c', userId, (victim) => victim.grab(packet.id), 100);

    const retry = await api.client(nodes[1]!.url, userId, 'user', { ackTimeoutMs: 5_000 });
    await retry.join(ROOM);
    const outcome = await retry.grab(packet.id).then(
      ({ amount }) => ({ amount }),
      (err: unknown) => ({ code: codeOf(err) }),
    );
    // The claim was kept: the retry answers from it, and pays nothing again.
    expect(['ALREADY_GRABBED', 100]).toContainEqual('code' in outcome ? outcome.code : outcome.amount);
    expect(await balanceInRedis(userId)).toBe(100);
    expect(await entries('credit', userId, `claim:${packet.id}:${userId}`)).toEqual([100]);
    await expectStoresAgree();
  }, 90_000);

  it('D: a node kill -9 after the claim that closed its packet, before the commit, no retry → the reconciler commits it', async () => {
    const userId = 'pgf-victim-2';
    // One share: the victim's claim closes the packet, so every other node answers a later
    // grab PACKET_EMPTY without asking Redis — no retry can finish this claim.
    const { packet } = await host.sendPacket({ roomId: ROOM, kind: 'equal', amount: 70, count: 1 });
    await killBeforeCommit('d', userId, (victim) => victim.grab(packet.id), 70);

    // The credit waits in the packet's outbox; a live node's reconciler commits its rows.
    await expect
      .poll(() => entries('credit', userId, `claim:${packet.id}:${userId}`), {
        timeout: 20_000,
        interval: 200,
      })
      .toEqual([70]);
    expect(await balanceInRedis(userId)).toBe(70);
    await expectStoresAgree();
  }, 90_000);

  it('E: a node kill -9 during a send, after Redis, before the commit → the reconciler commits the hold and the packet', async () => {
    const userId = 'pgf-sender';
    await api.mint(nodes[0]!.url, userId, 1_000);
    // 3 shares of 300 fen: a hold of 900, leaving 100.
    await killBeforeCommit(
      'e',
      userId,
      (sender) => sender.sendPacket({ roomId: ROOM, kind: 'equal', amount: 300, count: 3 }),
      100,
    );

    // A live node's reconciler commits the hold and the packet it funds, then settles it.
    await expect.poll(() => entries('hold', userId), { timeout: 20_000, interval: 200 }).toEqual([-900]);
    await expectStoresAgree();
  }, 90_000);
});

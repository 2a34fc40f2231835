/**
 * The PostgreSQL faults (issue 25), against the chaos deployment with DATABASE_URL on every
 * node and a PostgreSQL this run starts: Redis lost and rebuilt by `npm run restore`,
 * PostgreSQL killed under load, a node killed between the Redis claim and the commit. Traffic
 * is the packet storm alone (running rains are not restored yet). After each fault the
 * clients retry the grabs whose outcome they did not learn, the stores settle, and
 * pg-checks.ts compares what was acknowledged with both stores and both audits.
 */
import type pg from 'pg';
import { runRestoreCommand } from '../server/cli/restore-command.js';
import { TokenService } from '../server/auth/tokens.js';
import { packetClaimId } from '../server/domain/ids.js';
import type { PostgresHandle } from '../test/helpers/postgres-server.js';
import { TEST_SECRET } from '../test/helpers/test-server.js';
import type { Cluster } from './cluster.js';
import { client, startTraffic, type Traffic } from './driver.js';
import { until, type PhaseSize } from './faults.js';
import { checkMoney, settled, type MoneyCheck } from './pg-checks.js';

export interface PgDeployment {
  cluster: Cluster;
  postgres: PostgresHandle;
  /** A pool on the nodes' database, for the checks. */
  pool: pg.Pool;
  databaseUrl: string;
}

export interface RestoreFigures {
  ms: number;
  wallets: number;
  packets: number;
  /** Claims in PostgreSQL when it ran (restored with their packets). */
  claims: number;
  /** (wallets + packets + claims) per second. */
  rowsPerSec: number;
}

export interface PgFaultResult extends MoneyCheck {
  fault: string;
  acked: number;
  /** From the fault to the first STORE_UNAVAILABLE a client got, ms (NaN: none). */
  unavailableMs: number;
  /** From the fault's end (PostgreSQL back, restore done) to the next acknowledged grab, ms. */
  resumeMs: number;
  /** Retried grabs answered ALREADY_GRABBED: claimed, never acknowledged, committed by the retry. */
  recoveredByRetry: number;
  restore?: RestoreFigures;
  nodeCrashes: string[];
}

/**
 * Injects the fault; resolves once it is over with when it began, and what it measured itself:
 * a restore's figures, claims its own grabs found made by a try that was never answered.
 */
type PgInject = (
  d: PgDeployment,
  traffic: Traffic,
) => Promise<{ faultAt: number; restore?: RestoreFigures; recovered?: number }>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tokens = new TokenService(TEST_SECRET);

/** Mints through a node (so the mint is committed in PostgreSQL), as an admin. */
async function mint(url: string, userId: string, amount: number): Promise<void> {
  const token = await tokens.sign({ userId: 'chaos-admin', name: 'chaos-admin', role: 'admin' });
  const res = await fetch(`${url}/v1/admin/wallets/${userId}/credit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount }),
  });
  if (!res.ok) throw new Error(`mint for ${userId}: HTTP ${res.status} ${await res.text()}`);
}

const unavailableSince = (traffic: Traffic, since: number): boolean =>
  traffic.refused.some((r) => r.code === 'STORE_UNAVAILABLE' && r.at >= since);

export async function runPgFault(
  d: PgDeployment,
  fault: string,
  size: PhaseSize,
  inject: PgInject,
): Promise<PgFaultResult> {
  const { cluster } = d;
  const tag = `pg-${fault.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 40);
  const crashesBefore = cluster.unexpectedExits.length;
  await mint(cluster.balancer.url, `${tag}-host`, 10_000_000);
  // The host on node 1, which no fault kills: a send whose node dies before its commit is
  // another story (docs/operations.md), this run is about grabs.
  const traffic = await startTraffic(
    cluster.balancer.url,
    `room-${tag}`,
    size.players,
    tag,
    cluster.node(1).url,
  );
  traffic.startPackets(250);
  await sleep(size.steadyMs);

  const { faultAt, restore, recovered = 0 } = await inject(d, traffic);
  const faultEnd = Date.now();
  const firstGrab = await Promise.race([traffic.nextAckAfter(faultEnd), sleep(60_000).then(() => NaN)]);
  for (const i of cluster.crashedNodes()) await cluster.startNode(i);
  await until(() => traffic.allConnected(), 60_000);
  await sleep(size.steadyMs);
  await traffic.stopPackets();
  const recoveredByRetry = await traffic.retryUnanswered();
  await until(() => settled(cluster.store, d.pool), 60_000);
  const money = await checkMoney(cluster.store, d.pool, traffic.acked);
  const unavailable = traffic.refused.find((r) => r.code === 'STORE_UNAVAILABLE' && r.at >= faultAt);
  traffic.close();
  return {
    fault,
    acked: traffic.acked.length,
    ...money,
    unavailableMs: unavailable ? unavailable.at - faultAt : NaN,
    resumeMs: firstGrab - faultEnd,
    recoveredByRetry: recoveredByRetry + recovered,
    ...(restore ? { restore } : {}),
    nodeCrashes: cluster.unexpectedExits.slice(crashesBefore),
  };
}

/** `npm run restore` against the emptied Redis, timed. */
async function restoreRedis(d: PgDeployment): Promise<RestoreFigures> {
  const claims = Number(
    (await d.pool.query<{ n: string }>('SELECT count(*) AS n FROM claims')).rows[0]?.n ?? 0,
  );
  const started = performance.now();
  const run = await runRestoreCommand([], { ...d.cluster.env, DATABASE_URL: d.databaseUrl });
  const ms = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`restore failed: ${run.output}`);
  const report = JSON.parse(run.output.slice(0, run.output.lastIndexOf('}') + 1)) as {
    wallets: { restored: number };
    packets: { restored: number };
  };
  const rows = report.wallets.restored + report.packets.restored + claims;
  return {
    ms: Math.round(ms),
    wallets: report.wallets.restored,
    packets: report.packets.restored,
    claims,
    rowsPerSec: Math.round(rows / (ms / 1000)),
  };
}

/** In the order the run injects them (the --quick run too: they take seconds each). */
export const PG_FAULTS: { name: string; inject: PgInject }[] = [
  {
    name: 'PostgreSQL kill -9 under load, restart',
    async inject(d, traffic) {
      const faultAt = Date.now();
      await d.postgres.kill();
      await until(() => unavailableSince(traffic, faultAt), 10_000);
      await sleep(2_000); // an outage long enough for the backlog and the refusals to matter
      await d.postgres.restart(); // crash recovery from the WAL
      return { faultAt };
    },
  },
  {
    name: 'node kill -9 between Redis claim and commit',
    async inject(d, traffic) {
      // Six more players (two on each node, by the balancer's rotation), a packet with
      // shares to spare; PostgreSQL frozen, they grab: each claims in Redis and waits on its
      // commit, and node 0 dies then. Its players' grabs go unanswered; their retry through
      // a survivor answers from the claim (ALREADY_GRABBED) and commits its rows.
      const late = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) => client(d.cluster.balancer.url, `${traffic.room}-late${i}`)),
      );
      // Their own room: the traffic's players grab every packet in theirs.
      const room = `${traffic.room}-late`;
      await Promise.all([traffic.host, ...late].map((c) => c.join(room)));
      const { packet } = await traffic.host.sendPacket({
        roomId: room,
        kind: 'equal',
        amount: 10,
        count: late.length + 2,
      });
      d.postgres.pause();
      const faultAt = Date.now();
      const tries = late.map((c, i) => ({
        c,
        userId: `${traffic.room}-late${i}`,
        first: c.grab(packet.id).then(
          (r) => r.amount,
          () => undefined, // refused or unanswered: retried below
        ),
      }));
      await sleep(300); // well inside LEDGER_TIMEOUT_MS: claims are made, none committed
      await d.cluster.killNode(0);
      d.postgres.resume();
      let recovered = 0;
      for (const { c, userId, first } of tries) {
        let amount = await first;
        if (amount === undefined) {
          await until(() => c.connected, 30_000);
          const retry = await c.grab(packet.id).then(
            (r) => r.amount,
            (err: unknown) => (err as { code?: string }).code,
          );
          if (retry === 'ALREADY_GRABBED') recovered += 1;
          amount = typeof retry === 'number' ? retry : undefined;
        }
        const claimId = packetClaimId(packet.id, userId);
        if (amount !== undefined) traffic.acked.push({ userId, claimId, amount, at: Date.now() });
      }
      for (const c of late) c.close();
      return { faultAt, recovered };
    },
  },
  {
    name: 'Redis kill -9, restarted empty, npm run restore',
    async inject(d, traffic) {
      const faultAt = Date.now();
      await d.cluster.redis.kill();
      await until(() => unavailableSince(traffic, faultAt), 10_000);
      await traffic.stopPackets(); // the restore wants an idle Redis (no fence yet)
      await d.cluster.redis.restart({ empty: true });
      const restore = await restoreRedis(d);
      // Memberships are not restored: clients join again, once their nodes reach Redis.
      await until(async () => {
        await traffic.rejoin();
        return true;
      }, 30_000);
      traffic.startPackets(250);
      return { faultAt, restore };
    },
  },
];

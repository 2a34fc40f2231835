/**
 * One fault phase: traffic (a rain and a packet storm) runs, the fault is injected, and the
 * phase measures how long until grabs are acknowledged again and every client is back, then
 * lets everything settle and checks the money: the audit balances, nothing is paid twice, and
 * every acknowledged grab is in its user's ledger.
 */
import type { RainView } from '@red-packet/sdk/protocol';
import type { Cluster, Durability } from './cluster.js';
import { startTraffic } from './driver.js';

export interface FaultResult {
  durability: Durability;
  fault: string;
  acked: number;
  lost: number;
  doublePaid: number;
  /** From the fault's end (node killed, Redis back) to the next acknowledged grab, ms. */
  firstGrabMs: number;
  /** From the fault's end until every client is connected again, ms. */
  clientsBackMs: number;
  balanced: boolean;
  nodeCrashes: string[];
}

export interface PhaseSize {
  players: number;
  steadyMs: number;
  rainDrops: number;
  rainMs: number;
}

export type Inject = (cluster: Cluster, rain: RainView) => Promise<void>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return true;
    await sleep(100);
  }
  return false;
}

async function mint(cluster: Cluster, userId: string, amount: number): Promise<void> {
  await cluster.store.wallets.mint(userId, amount, `chaos-mint-${userId}-${Date.now()}`, Date.now());
}

export async function runFault(
  cluster: Cluster,
  durability: Durability,
  fault: string,
  size: PhaseSize,
  inject: Inject,
): Promise<FaultResult> {
  const tag = `${durability}-${fault.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 40);
  const crashesBefore = cluster.unexpectedExits.length;
  await mint(cluster, `${tag}-host`, 10_000_000);
  const traffic = await startTraffic(cluster.balancer.url, `room-${tag}`, size.players, tag);
  const rain = await traffic.scheduleRain({
    drops: size.rainDrops,
    durationMs: size.rainMs,
    sharesPerDrop: 3,
  });
  traffic.startPackets(250);
  await sleep(size.steadyMs);

  await inject(cluster, rain);
  const faultEnd = Date.now();
  const firstGrab = await Promise.race([traffic.nextAckAfter(faultEnd), sleep(60_000).then(() => NaN)]);
  // A node that crashed is restarted, as a process manager would.
  for (const i of cluster.crashedNodes()) await cluster.startNode(i);
  await until(() => traffic.allConnected(), 60_000);
  const clientsBack = Date.now();
  await sleep(size.steadyMs);
  await traffic.stopPackets();

  // Settle: the rain ends (and refunds), the reconciler lands every outstanding credit.
  await until(async () => {
    const r = await cluster.store.rains.getRain(rain.id);
    return r !== null && (r.status === 'ended' || r.status === 'cancelled');
  }, size.rainMs + 60_000);
  await until(async () => (await cluster.store.audit.report()).inFlight === 0, 60_000);
  const audit = await cluster.store.audit.report();

  // Every acknowledged grab must be a credit in its user's ledger, once.
  const byUser = new Map<string, string[]>();
  for (const g of traffic.acked) byUser.set(g.userId, [...(byUser.get(g.userId) ?? []), g.claimId]);
  let lost = 0;
  let doublePaid = 0;
  for (const [userId, claims] of byUser) {
    const ledger = await cluster.store.wallets.ledger(userId, 100_000);
    const refs = ledger.filter((e) => e.kind === 'credit').map((e) => e.ref);
    const seen = new Set(refs);
    doublePaid += refs.length - seen.size;
    lost += claims.filter((c) => !seen.has(c)).length;
  }
  traffic.close();
  return {
    durability,
    fault,
    acked: traffic.acked.length,
    lost,
    doublePaid: doublePaid + audit.doubleClaims,
    firstGrabMs: firstGrab - faultEnd,
    clientsBackMs: clientsBack - faultEnd,
    balanced: audit.balanced && audit.difference === 0 && audit.ledgerMismatches === 0,
    nodeCrashes: cluster.unexpectedExits.slice(crashesBefore),
  };
}

/** The faults of issue 14, in the order the run injects them. */
export const FAULTS: [string, Inject][] = [
  [
    'node kill -9',
    async (cluster) => {
      await cluster.killNode(0);
    },
  ],
  [
    'Redis kill -9, restart from AOF',
    async (cluster) => {
      await cluster.redis.kill();
      await sleep(1_000);
      await cluster.redis.restart();
    },
  ],
  [
    'Redis SIGSTOP 3 s',
    async (cluster) => {
      cluster.redis.pause();
      await sleep(3_000);
      cluster.redis.resume();
    },
  ],
  [
    'node restart while driving the rain',
    async (cluster, rain) => {
      const owner = (await cluster.store.rains.getRain(rain.id))?.leaseOwner ?? 'chaos-node-1';
      const i = cluster.nodes.findIndex((n) => n.nodeId === owner);
      await cluster.startNode(i >= 0 ? i : 1);
    },
  ],
];

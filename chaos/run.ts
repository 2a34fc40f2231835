/**
 * npm run chaos [-- --quick] [--only faults|storm|slow|postgres] [--storm-clients N]
 *
 * Fault injection against a real deployment on this machine (docs/reliability.md): Redis with
 * an append-only file, three node processes behind a TCP load balancer, SDK clients driving a
 * rain and a packet storm. Each durability mode (`appendfsync always`, then `everysec`) gets
 * every fault: kill -9 of a node, kill -9 of Redis and a restart from its AOF, Redis frozen
 * past the command timeout, a node restarted while it drives a rain. After each: the audit,
 * double pay, and every acknowledged grab looked up in the ledger. Then the reconnect storm
 * and the slow consumer. Then the PostgreSQL faults (pg-part.ts: DATABASE_URL on every node;
 * Redis lost and restored, PostgreSQL killed, a node killed between claim and commit). Prints
 * a table, writes chaos/results/latest.json and docs/reliability.md (`--only postgres` writes
 * its own section). Exits non-zero if money was lost, paid twice or left unbalanced under
 * `always`, the two stores disagree, or a node process crashed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCluster, type Durability } from './cluster.js';
import { FAULTS, runFault, type FaultResult, type PhaseSize } from './faults.js';
import { pgProblems, pgTable, runPostgresPart, writePgReliability } from './pg-part.js';
import type { PgFaultResult } from './pg-faults.js';
import { writeReliabilityDoc } from './report.js';
import { slowConsumer, type SlowResult } from './slow-consumer.js';
import { reconnectStorm, type StormResult } from './storm.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Runs one part only (figures are printed; only `postgres` writes its docs section). */
    only: { type: 'string' },
    'storm-clients': { type: 'string' },
  },
});
const QUICK = values.quick;
const PARTS = ['faults', 'storm', 'slow', 'postgres'] as const;
type Part = (typeof PARTS)[number];
if (values.only !== undefined && !PARTS.includes(values.only as Part)) {
  console.error(`chaos: --only takes one of ${PARTS.join(', ')}`);
  process.exit(2);
}
const runs = (part: Part): boolean => values.only === undefined || values.only === part;
const SIZE: PhaseSize & { stormClients: number; slowReaders: number; slowLines: number } = QUICK
  ? {
      players: 12,
      steadyMs: 1_500,
      rainDrops: 60,
      rainMs: 8_000,
      stormClients: 500,
      slowReaders: 10,
      slowLines: 20_000,
    }
  : {
      players: 40,
      steadyMs: 3_000,
      rainDrops: 200,
      rainMs: 15_000,
      stormClients: 5_000,
      slowReaders: 50,
      slowLines: 40_000,
    };
if (values['storm-clients'] !== undefined) SIZE.stormClients = Number(values['storm-clients']);
const log = (msg: string): void => console.log(`chaos: ${msg}`);

async function main(): Promise<void> {
  const started = Date.now();
  const faults: FaultResult[] = [];
  let storm: StormResult | undefined;
  let slow: SlowResult | undefined;
  let postgres: PgFaultResult[] = [];
  const durabilities: Durability[] = runs('faults')
    ? ['always', 'everysec']
    : runs('storm') || runs('slow')
      ? ['always']
      : [];
  for (const durability of durabilities) {
    log(`starting Redis (appendfsync ${durability}) and 3 nodes`);
    const cluster = await startCluster(durability);
    try {
      for (const [name, inject] of runs('faults') ? FAULTS : []) {
        await cluster.restoreAll();
        log(`${durability}: ${name}`);
        const r = await runFault(cluster, durability, name, SIZE, inject);
        faults.push(r);
        log(
          `  acked ${r.acked}, lost ${r.lost}, double ${r.doublePaid}, first grab ${r.firstGrabMs} ms, ` +
            `clients back ${r.clientsBackMs} ms, balanced ${r.balanced}, crashes ${r.nodeCrashes.join(' ') || 'none'}`,
        );
      }
      if (durability === 'always') {
        if (runs('storm')) {
          await cluster.restoreAll();
          log(`reconnect storm: ${SIZE.stormClients} clients`);
          storm = await reconnectStorm(cluster, SIZE.stormClients, log);
          log(`  ${JSON.stringify(storm)}`);
        }
        if (runs('slow')) {
          await cluster.restoreAll();
          log('slow consumer');
          slow = await slowConsumer(cluster, SIZE.slowReaders, SIZE.slowLines);
          log(`  ${JSON.stringify(slow)}`);
        }
      }
    } finally {
      await cluster.close();
    }
  }

  if (runs('postgres')) postgres = await runPostgresPart(SIZE, log);

  if (faults.length > 0 || storm || slow) printTable(faults, storm, slow);
  if (postgres.length > 0) console.log(['', 'PostgreSQL faults:', ...pgTable(postgres)].join('\n'));
  const results = {
    at: new Date().toISOString(),
    quick: QUICK,
    size: SIZE,
    faults,
    storm,
    slow,
    postgres,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  if (values.only === undefined) {
    mkdirSync('chaos/results', { recursive: true });
    writeFileSync(
      `chaos/results/${QUICK ? 'quick' : 'latest'}.json`,
      `${JSON.stringify(results, null, 2)}\n`,
    );
    if (!QUICK) writeReliabilityDoc(results);
  }
  if (!QUICK && postgres.length > 0 && (values.only === undefined || values.only === 'postgres'))
    writePgReliability(postgres, results.at);

  const problems = [
    ...faults.filter((f) => !f.balanced).map((f) => `${f.durability} ${f.fault}: audit not balanced`),
    ...faults.filter((f) => f.doublePaid > 0).map((f) => `${f.durability} ${f.fault}: paid twice`),
    ...faults
      .filter((f) => f.durability === 'always' && f.lost > 0)
      .map((f) => `${f.fault}: acknowledged grabs lost under appendfsync always`),
    ...faults.flatMap((f) => f.nodeCrashes.map((c) => `${f.durability} ${f.fault}: node crashed: ${c}`)),
    ...(storm && storm.rejoined < storm.clients
      ? [`storm: ${storm.clients - storm.rejoined} clients never re-joined`]
      : []),
    ...(storm && Number.isNaN(storm.presenceMs)
      ? [`storm: the room counted ${storm.membersAfter} members, not ${storm.clients + 2}`]
      : []),
    ...(slow && Number.isNaN(slow.droppedAfterMs) ? ['slow consumer was never dropped'] : []),
    ...pgProblems(postgres),
  ];
  for (const p of problems) console.error(`chaos: FAIL ${p}`);
  process.exit(problems.length > 0 ? 1 : 0);
}

const s = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '—');

function printTable(faults: FaultResult[], storm?: StormResult, slow?: SlowResult): void {
  console.log(
    '\n| durability | fault | grabs acked | acked grabs lost | paid twice | audit | first grab after (s) | all clients back (s) | node crashes |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const f of faults) {
    console.log(
      `| ${f.durability} | ${f.fault} | ${f.acked} | ${f.lost} | ${f.doublePaid} | ${f.balanced ? 'balanced' : 'UNBALANCED'} | ${s(f.firstGrabMs)} | ${s(f.clientsBackMs)} | ${f.nodeCrashes.length} |`,
    );
  }
  if (storm) {
    console.log(
      `\nreconnect storm: ${storm.rejoined}/${storm.clients} back in ${s(storm.allBackMs)} s (p50 ${s(storm.p50Ms)} s, p95 ${s(storm.p95Ms)} s); ` +
        `${storm.withRain} snapshots show the rain, ${storm.dropsAfter} got drops after; dead node reaped by ${s(storm.reapedMs)} s; room counts ${storm.membersAfter} (right by ${s(storm.presenceMs)} s)`,
    );
  }
  if (slow) {
    console.log(
      `slow consumer: dropped after ${s(slow.droppedAfterMs)} s (${slow.lines} lines of ~1.5 KB); readers' lag p50 ${slow.lagP50Ms} ms, p99 ${slow.lagP99Ms} ms; ` +
        `node RSS ${slow.rssBeforeMb} → peak ${slow.rssPeakMb} MB`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

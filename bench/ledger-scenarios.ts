/**
 * The grab scenario with PostgreSQL as the record of money (issue 25): the same room, packets
 * and clients as the Redis-only grab scenario of the same run, against a node with
 * DATABASE_URL on a PostgreSQL this bench starts (fsync on, test/helpers/postgres-server.ts),
 * so every ack waits for its rows' group commit. Figures beside the Redis-only ones: node CPU
 * per grab (goal ≤ 1.3×), grabs/s, ack p50/p99 (goal p99 within +10 ms), PostgreSQL's own CPU
 * per grab; then PostgreSQL's rows/s at saturation (1,000 callers on the LedgerWriter, no
 * server in front) as the ceiling reference. Ends with both audits.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { auditPostgres, createLedgerPool, LedgerWriter, migrate } from '../server/store/ledger/index.js';
import { childrenOf, createDatabase, startPostgres } from '../test/helpers/postgres-server.js';
import { grabScenario, type BenchEnv, type GrabSpec } from './grab-scenarios.js';
import { saturate } from './ledger-saturation.js';
import { pin } from './machine.js';
import { round, type GrabFigures, type LedgerFigures } from './results.js';

/** Callers on the writer for the saturation reference (docs/operations.md's top line). */
const SATURATION_CALLERS = 1000;

/** CPU seconds of the postmaster, its live backends and the children it has reaped. */
function postgresCpu(postmaster: number): number {
  const fields = (pid: number): number[] =>
    (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ').map(Number);
  const own = fields(postmaster);
  let ticks = (own[11] ?? 0) + (own[12] ?? 0) + (own[13] ?? 0) + (own[14] ?? 0);
  for (const child of childrenOf(postmaster)) {
    try {
      const f = fields(child);
      ticks += (f[11] ?? 0) + (f[12] ?? 0);
    } catch {
      // the backend exited between the listing and the read: its time is in the reaped total
    }
  }
  return ticks / 100;
}

/**
 * The node reads DATABASE_URL from its environment, which startNodeProcess inherits from
 * this process: set for the scenario alone, so grab-scenarios.ts stays as it is.
 */
async function withDatabase<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
  }
}

export async function ledgerGrabScenario(
  env: BenchEnv,
  spec: Omit<GrabSpec, 'name' | 'store'>,
  redisOnly: GrabFigures,
  saturationSeconds: number,
): Promise<LedgerFigures> {
  const postgres = await startPostgres();
  try {
    // Backends fork from the postmaster and inherit its cores: the server's half.
    if (env.plan.pinned) pin(postgres.pid(), env.plan.serverCores);
    const url = await createDatabase(postgres, 'bench');
    const cpu0 = postgresCpu(postgres.pid());
    const grab = await withDatabase(url, () =>
      grabScenario(env, { name: 'grab-pg', store: 'redis', ...spec }),
    );
    const postgresSeconds = postgresCpu(postgres.pid()) - cpu0;

    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const audit = await auditPostgres(pool);
      env.audits.push(`grab-pg (PostgreSQL): ${JSON.stringify(audit)}`);
      if (!audit.balanced) throw new Error(`grab-pg: the PostgreSQL audit does not balance`);
    } finally {
      await pool.end();
    }

    const saturationPool = createLedgerPool(await createDatabase(postgres, 'saturation'), {
      timeoutMs: 10_000,
    });
    try {
      await migrate(saturationPool);
      const writer = new LedgerWriter(saturationPool, { timeoutMs: 10_000 });
      await saturate(writer, 10, 0.5); // warm-up: connections, JIT
      const saturation = await saturate(writer, SATURATION_CALLERS, saturationSeconds);
      await writer.close();
      const version = (
        await saturationPool.query<{ v: string }>("SELECT current_setting('server_version') AS v")
      ).rows[0]?.v;
      return {
        postgres: version ?? 'unknown',
        grab,
        // Over the whole scenario (warm-up and sends included): an upper bound.
        postgresUsPerGrab: round((postgresSeconds / Math.max(grab.grabs, 1)) * 1e6),
        cpuRatio: round(grab.serverUsPerGrab / redisOnly.serverUsPerGrab, 3),
        p99DeltaMs: round(grab.p99Ms - redisOnly.p99Ms, 2),
        saturation: {
          callers: saturation.callers,
          rowsPerSec: Math.round(saturation.rowsPerSec),
          commitsPerSec: Math.round(saturation.commitsPerSec),
          rowsPerTxn: round(saturation.rowsPerTxn),
          p50Ms: round(saturation.p50Ms, 2),
          p99Ms: round(saturation.p99Ms, 2),
        },
      };
    } finally {
      await saturationPool.end();
    }
  } finally {
    await postgres.destroy();
  }
}

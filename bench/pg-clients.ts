/**
 * `pg` against `postgres` (porsager) on the ledger's workload: a transaction per batch of
 * ledger rows, two INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING statements per
 * transaction (entries and claims, as a grab writes them), sequentially on one connection
 * and concurrently on four. `postgres` pipelines the two statements and COMMIT in one round
 * trip; `pg` waits for each reply. A real PostgreSQL with fsync on (test/helpers).
 *
 *   node --conditions=rp-source --import tsx bench/pg-clients.ts
 *
 * Prints one line per (client, batch size, connections). Results: docs/operations.md.
 */
import pg from 'pg';
import postgres from 'postgres';
import { startPostgres } from '../test/helpers/postgres-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const SCHEMA = `
  CREATE TABLE e (id text PRIMARY KEY, user_id text NOT NULL, kind text NOT NULL, ref text NOT NULL,
                  amount bigint NOT NULL, created_at timestamptz NOT NULL);
  CREATE TABLE c (id text PRIMARY KEY, source_id text NOT NULL, user_id text NOT NULL,
                  amount bigint NOT NULL, created_at timestamptz NOT NULL);`;

const INSERT_E = `INSERT INTO e SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::timestamptz[]) ON CONFLICT DO NOTHING`;
const INSERT_C = `INSERT INTO c SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::timestamptz[]) ON CONFLICT DO NOTHING`;

interface Batch {
  e: [string[], string[], string[], string[], string[], string[]];
  c: [string[], string[], string[], string[], string[]];
}

let seq = 0;
/** `size` rows: half claims, half their credit entries (a grab writes one of each). */
function makeBatch(size: number): Batch {
  const b: Batch = { e: [[], [], [], [], [], []], c: [[], [], [], [], []] };
  const at = new Date().toISOString();
  for (let i = 0; i < size / 2; i++) {
    const n = ++seq;
    const claim = `claim:pk_${n % 997}:u${n}`;
    b.c[0].push(claim);
    b.c[1].push(`pk_${n % 997}`);
    b.c[2].push(`u${n}`);
    b.c[3].push('88');
    b.c[4].push(at);
    b.e[0].push(`credit:${claim}`);
    b.e[1].push(`u${n}`);
    b.e[2].push('credit');
    b.e[3].push(claim);
    b.e[4].push('88');
    b.e[5].push(at);
  }
  return b;
}

interface Client {
  name: string;
  commit(batch: Batch): Promise<void>;
  close(): Promise<void>;
}

function pgClient(url: string, connections: number): Client {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  return {
    name: 'pg',
    commit: async (batch) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(INSERT_E, batch.e);
        await client.query(INSERT_C, batch.c);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function postgresClient(url: string, connections: number): Client {
  const sql = postgres(url, { max: connections, onnotice: () => undefined });
  return {
    name: 'postgres',
    commit: async (batch) => {
      // Returning the queries as an array pipelines them (one round trip with COMMIT).
      await sql.begin((tx) => [tx.unsafe(INSERT_E, batch.e), tx.unsafe(INSERT_C, batch.c)]);
    },
    close: () => sql.end(),
  };
}

async function run(client: Client, size: number, workers: number): Promise<string> {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const cpu0 = process.cpuUsage();
  let txns = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const batch = makeBatch(size);
      const t0 = performance.now();
      await client.commit(batch);
      latencies.push(performance.now() - t0);
      txns += 1;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const cpu = process.cpuUsage(cpu0);
  const cpuPerRowUs = (cpu.user + cpu.system) / (txns * size);
  latencies.sort((a, b) => a - b);
  const p = (q: number): string => (latencies[Math.floor(q * (latencies.length - 1))] ?? NaN).toFixed(2);
  const perSec = txns / SECONDS;
  return (
    `${client.name.padEnd(9)} rows/txn ${String(size).padStart(5)}  conns ${workers}  ` +
    `${perSec.toFixed(0).padStart(6)} txn/s  ${(perSec * size).toFixed(0).padStart(8)} rows/s  ` +
    `p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  client CPU ${cpuPerRowUs.toFixed(1)} µs/row`
  );
}

const server = await startPostgres();
try {
  const setup = new pg.Client({ connectionString: server.url });
  await setup.connect();
  await setup.query(SCHEMA);
  for (const durable of [true, false]) {
    // Without the WAL flush, what is left is the client and the round trips.
    await setup.query(`ALTER DATABASE postgres SET synchronous_commit = ${durable ? 'on' : 'off'}`);
    console.log(
      durable ? '-- synchronous_commit on (production)' : '-- synchronous_commit off (client cost)',
    );
    await matrix(server.url);
  }
  await setup.end();
} finally {
  await server.destroy();
}

async function matrix(url: string): Promise<void> {
  for (const [size, workers] of [
    [2, 1],
    [20, 1],
    [200, 1],
    [2000, 1],
    [2, 4],
    [200, 4],
  ] as const) {
    for (const make of [pgClient, postgresClient]) {
      const client = make(url, workers);
      await client.commit(makeBatch(2)); // connect and prepare outside the clock
      console.log(await run(client, size, workers));
      await client.close();
    }
  }
}

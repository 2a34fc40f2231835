/**
 * The ledger's connection pool when PostgreSQL dies under a checked-out connection (a writer's
 * transaction, a snapshot read): the caller's query rejects and the process lives on. Found by
 * test/integration/postgres-faults.test.ts, where a node exited on 'Connection terminated
 * unexpectedly' from a connection it held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerPool } from '../../server/store/ledger/index.js';
import { startPostgres, type PostgresHandle } from '../helpers/postgres-server.js';

describe('ledger pool, PostgreSQL killed', () => {
  let postgres: PostgresHandle;

  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);

  afterAll(() => postgres.destroy());

  it('a connection held outside a query fails its next query, without an uncaught error', async () => {
    const pool = createLedgerPool(postgres.url, { max: 2 });
    const client = await pool.connect();
    await client.query('BEGIN');
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await postgres.kill();
    await ended; // the client emitted 'error' on the way: unhandled, it would fail this run
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(new Error('server gone'));
    await postgres.restart();
    await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await pool.end();
  }, 60_000);
});

/**
 * The connection pool the ledger uses: every wait bounded, so a PostgreSQL that is down or
 * frozen fails requests within `timeoutMs` instead of holding them (issue 25, faults).
 */
import pg from 'pg';

export interface LedgerPoolOptions {
  /**
   * Bound on connecting and on each statement (client side, so it holds when the server is
   * frozen; server side too, as statement_timeout).
   * @default 1000
   */
  timeoutMs?: number;
  /** Connections. @default 4 */
  max?: number;
  /** Told about errors on idle connections (the server went away); they are dropped. */
  onError?: (err: Error) => void;
}

export function createLedgerPool(connectionString: string, options: LedgerPoolOptions = {}): pg.Pool {
  const timeoutMs = options.timeoutMs ?? 1000;
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 4,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    idle_in_transaction_session_timeout: Math.max(5 * timeoutMs, 5000),
    keepAlive: true,
    application_name: 'red-packet-ledger',
  });
  // Without a listener, an idle connection's error would crash the process.
  pool.on('error', (err) => options.onError?.(err));
  // The pool listens only while a connection is idle: one checked out (a transaction of the
  // writer, a snapshot read) whose server dies emits 'error' on the client itself, and with no
  // listener that too would crash the process. The query in progress (or the next one)
  // rejects, so its caller still sees the failure, and the caller releases the connection
  // with that error, which drops it from the pool.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

import { StoreUnavailableError } from '../unavailable.js';

/**
 * PostgreSQL did not answer in time, or the connection failed: the services answer
 * STORE_UNAVAILABLE (it is a StoreUnavailableError). The rows' fate is unknown — the
 * transaction may still commit — so a retry with the same rows is the way on: it is a
 * no-op for the rows that did land.
 */
export class LedgerUnavailableError extends StoreUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`ledger: ${message}`, options);
    this.name = 'LedgerUnavailableError';
  }
}

/**
 * PostgreSQL refused the batch (a CHECK, a NOT NULL, a bad value, an unknown table): a bug,
 * never "not now". Nothing of the batch was written; every caller in it is rejected with
 * this error (the row at fault may be another caller's: a retry alone will tell).
 */
export class LedgerRejectedError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`ledger: ${message}`, options);
    this.name = 'LedgerRejectedError';
  }
}

/**
 * A row whose id is already in the ledger with different content (another amount, user,
 * source …): the id was reused, a bug. Only the caller that sent it is rejected, and none of
 * its rows are written; the stored row is left as it was.
 */
export class LedgerConflictError extends Error {
  constructor(
    readonly rowId: string,
    readonly stored: string,
    readonly sent: string,
  ) {
    super(`ledger: ${rowId} is stored as ${stored}, not ${sent}`);
    this.name = 'LedgerConflictError';
  }
}

/** A row read from PostgreSQL that is not the shape its decoder expects (ledger-decode.ts). */
export class MalformedRowError extends Error {
  override name = 'MalformedRowError';
}

/**
 * SQLSTATE classes that mean "what was sent is wrong", not "not now": data exceptions (22),
 * integrity (23), and SQL the schema does not know (42: a migration not applied, a bug).
 */
const REJECTED = /^(22|23|42)/;

/** Maps a pg failure: data and integrity errors reject; anything else is unavailability. */
export function toLedgerError(err: unknown): Error {
  if (
    err instanceof LedgerUnavailableError ||
    err instanceof LedgerRejectedError ||
    err instanceof MalformedRowError
  )
    return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const code = 'code' in e && typeof e.code === 'string' ? e.code : '';
  if (REJECTED.test(code)) return new LedgerRejectedError(e.message, code, { cause: e });
  return new LedgerUnavailableError(e.message, { cause: e });
}

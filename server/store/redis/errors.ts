import { StoreUnavailableError } from '../unavailable.js';

/** Redis answers that mean "not now" rather than "your script is wrong". */
const TRANSIENT_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|MOVED|ASK|BUSY|READONLY)\b/;

/**
 * Maps a Redis failure to what callers handle: connection loss, timeouts and transient
 * replies become StoreUnavailableError (clients see STORE_UNAVAILABLE); anything else is a
 * bug (a script error) and is rethrown as is.
 */
export function toStoreError(err: unknown): Error {
  if (err instanceof StoreUnavailableError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'ReplyError' && !TRANSIENT_REPLY.test(e.message)) return e;
  return new StoreUnavailableError(`redis: ${e.message}`, { cause: e });
}

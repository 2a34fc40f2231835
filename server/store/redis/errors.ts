import { StoreUnavailableError } from '../unavailable.js';

/**
 * A script reply or stored record that is not the shape its decoder expects (replies.ts,
 * codec.ts): the script and its decoder disagree, or the data was written by something else.
 * A bug, never "not now": toStoreError passes it through.
 */
export class MalformedReplyError extends Error {
  override name = 'MalformedReplyError';
}

/** Redis answers that mean "not now" rather than "your script is wrong". */
const TRANSIENT_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|MOVED|ASK|BUSY|READONLY)\b/;

/**
 * Maps a Redis failure to what callers handle: connection loss, timeouts and transient
 * replies become StoreUnavailableError (clients see STORE_UNAVAILABLE); anything else is a
 * bug (a script error, a malformed reply) and is rethrown as is.
 */
export function toStoreError(err: unknown): Error {
  if (err instanceof StoreUnavailableError || err instanceof MalformedReplyError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'ReplyError' && !TRANSIENT_REPLY.test(e.message)) return e;
  return new StoreUnavailableError(`redis: ${e.message}`, { cause: e });
}

import type { AckError } from '@red-packet/sdk/protocol';
import { GameError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import { StoreUnavailableError } from '../../store/store.js';

/** Maps anything a handler threw to the error clients see; unexpected errors are logged. */
export function toAckError(err: unknown, log: Logger, context: Record<string, unknown>): AckError {
  if (err instanceof GameError) return { code: err.code, message: err.message, ...err.details };
  if (err instanceof StoreUnavailableError) {
    log.warn({ ...context, err }, 'store unavailable');
    return { code: 'STORE_UNAVAILABLE', message: 'the store is unavailable; try again shortly' };
  }
  log.error({ ...context, err }, 'unexpected error');
  return { code: 'INTERNAL', message: 'internal error' };
}

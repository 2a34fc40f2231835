import type { ErrorCode } from '../../shared/codes.js';
import type { AckError } from '../../shared/protocol.js';

/** What a refusal adds to its error beyond code and message (timed packets: when it opens). */
export type RefusalDetails = Pick<AckError, 'opensAt' | 'opensInMs' | 'liftsAt' | 'retryAfterMs'>;

/**
 * A refusal the client should see: its code (from the closed set) and a human message.
 * Handlers turn it into an error ack or an HTTP error; anything else thrown is INTERNAL.
 */
export class GameError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: RefusalDetails,
  ) {
    super(message);
    this.name = 'GameError';
  }
}

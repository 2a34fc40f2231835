import type { ErrorCode } from '../codes.js';
import type { AckError } from '../protocol.js';

/** What a refusal carries besides its code (NOT_OPEN_YET: when the timed packet opens). */
export type ErrorDetails = Pick<AckError, 'opensAt' | 'opensInMs' | 'liftsAt' | 'retryAfterMs'>;

/**
 * Codes the SDK raises without a server answer: no ack within the timeout, or the
 * connection could not be made (the server's reason, if any, is in the message).
 */
export type ClientOnlyCode = 'TIMEOUT' | 'CONNECT_FAILED';

/** A refused request: the server's error ack, or a transport failure. */
export class RedPacketError extends Error {
  constructor(
    readonly code: ErrorCode | ClientOnlyCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'RedPacketError';
  }
}

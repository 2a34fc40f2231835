import type { ErrorCode } from '../../shared/codes.js';

/**
 * A refusal the client should see: its code (from the closed set) and a human message.
 * Handlers turn it into an error ack or an HTTP error; anything else thrown is INTERNAL.
 */
export class GameError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GameError';
  }
}

import type { ErrorCode } from '@red-packet/sdk/codes';
import type { AckErrorDetails } from '@red-packet/sdk/protocol';

/**
 * What a refusal adds to its error: risk limits, a timed packet's opening, the curfew's end,
 * a fence's radius and the claimer's distance.
 */
export type RefusalDetails = AckErrorDetails;

/**
 * A refusal the client should see: its code (from the closed set) and a human message.
 * Handlers turn it into an error ack or an HTTP error; anything else thrown is INTERNAL.
 * A refusal is an answer, not a fault, so it carries no stack: capturing one is most of what
 * constructing an Error costs, and the crowd that loses a race for one packet makes thousands.
 */
export class GameError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: RefusalDetails,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'GameError';
  }
}

/** A room grab, chat line or send by a connection that has not joined `roomId`. */
export const notInRoom = (roomId: string): GameError =>
  new GameError('NOT_IN_ROOM', `join room ${roomId} first`);

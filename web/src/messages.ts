import type { ClientOnlyCode, ErrorCode } from '../../shared/sdk/index.js';
import { RedPacketError } from '../../shared/sdk/index.js';

/** What a person reads for each error code. */
const TEXT: Record<ErrorCode | ClientOnlyCode, string> = {
  UNAUTHORIZED: 'Your session expired — please sign in again.',
  FORBIDDEN: 'Only hosts can do that.',
  INVALID_PAYLOAD: 'Something in that form is not right.',
  NOT_FOUND: 'That no longer exists.',
  NOT_IN_ROOM: 'Join the room first.',
  INSUFFICIENT_FUNDS: 'Not enough money in your wallet.',
  LIMIT_EXCEEDED: 'That is over the limit.',
  RATE_LIMITED: 'Slow down a little.',
  PACKET_EMPTY: 'Too slow — all taken!',
  PACKET_EXPIRED: 'This red packet has expired.',
  ALREADY_GRABBED: 'You already grabbed this one.',
  LOCKED: 'Listen to the song first to unlock it.',
  CURFEW: 'Red packets are closed to minors at this hour — come back in the morning.',
  NOT_OPEN_YET: 'This red packet has not opened yet — wait for the countdown.',
  DROP_NOT_ACTIVE: 'Missed it — too late!',
  RAIN_NOT_ACTIVE: 'The rain is not falling right now.',
  GRAB_CAP_REACHED: 'You reached your grab limit for this rain.',
  STORE_UNAVAILABLE: 'The server is busy — try again in a moment.',
  INTERNAL: 'Something went wrong on our side.',
  CODE_INVALID: 'That code is not valid.',
  CODE_EXPIRED: 'That code has expired — scan the current one.',
  CODE_REVOKED: 'That receive code was replaced — ask for the new one.',
  DAILY_LIMIT: 'You reached today’s limit — it resets at midnight.',
  VERIFICATION_REQUIRED: 'Please sign in again to confirm it is you.',
  RISK_BLOCKED: 'Sending is paused for a while by risk control.',
  TIMEOUT: 'No answer from the server — check your connection.',
  CONNECT_FAILED: 'Could not connect to the server.',
};

export function describeError(err: unknown): string {
  // Risk refusals and bans explain themselves (which limit, until when, why).
  if (err instanceof RedPacketError && err.details.reason !== undefined)
    return `${TEXT[err.code]} (${err.details.reason})`;
  if (err instanceof RedPacketError && err.details.limit !== undefined)
    return `${TEXT[err.code]} (${err.message})`;
  if (err instanceof RedPacketError) return TEXT[err.code];
  if (err instanceof Error) return err.message;
  return String(err);
}

export function textFor(code: ErrorCode | ClientOnlyCode): string {
  return TEXT[code];
}

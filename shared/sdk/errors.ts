import type { ErrorCode } from '../codes.js';
import type { AckError, AckErrorDetails } from '../protocol.js';

/**
 * What a refusal carries besides its code: risk limits, a timed packet's opening, the curfew's
 * end, a fence's radius and how far the claimer was (OUT_OF_AREA).
 */
export type ErrorDetails = AckErrorDetails & {
  /** CONNECT_FAILED: the server's explanation of the refusal (e.g. why an account is banned). */
  reason?: string;
};

/** The details of an error ack or HTTP error body, keeping only well-typed fields. */
export function errorDetails(error: Partial<Record<keyof AckError, unknown>>): ErrorDetails {
  const { limit, resetAt, retryAfterMs, opensAt, opensInMs, liftsAt, list, distanceM, radiusM } = error;
  const num = (key: string, v: unknown): object => (typeof v === 'number' ? { [key]: v } : {});
  const str = (key: string, v: unknown): object => (typeof v === 'string' ? { [key]: v } : {});
  return {
    ...str('limit', limit),
    ...num('resetAt', resetAt),
    ...num('retryAfterMs', retryAfterMs),
    ...num('opensAt', opensAt),
    ...num('opensInMs', opensInMs),
    ...num('liftsAt', liftsAt),
    ...str('list', list),
    ...num('distanceM', distanceM),
    ...num('radiusM', radiusM),
  };
}

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

  /** How long to wait before retrying (RATE_LIMITED, RISK_BLOCKED, DAILY_LIMIT), ms. */
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

/**
 * The closed set of error codes carried by error acks and HTTP error bodies.
 * Clients switch on these; adding one is a protocol change (docs/protocol.md).
 */
export const ErrorCode = {
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  NOT_FOUND: 'NOT_FOUND',
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  RATE_LIMITED: 'RATE_LIMITED',
  PACKET_EMPTY: 'PACKET_EMPTY',
  PACKET_EXPIRED: 'PACKET_EXPIRED',
  ALREADY_GRABBED: 'ALREADY_GRABBED',
  LOCKED: 'LOCKED',
  NOT_OPEN_YET: 'NOT_OPEN_YET',
  CURFEW: 'CURFEW',
  DROP_NOT_ACTIVE: 'DROP_NOT_ACTIVE',
  RAIN_NOT_ACTIVE: 'RAIN_NOT_ACTIVE',
  GRAB_CAP_REACHED: 'GRAB_CAP_REACHED',
  /** A lottery drop's window has not opened yet (grab before the reaction floor). */
  GRAB_TOO_EARLY: 'GRAB_TOO_EARLY',
  /** Held a ticket for a lottery drop; the draw went to others. */
  LOTTERY_LOST: 'LOTTERY_LOST',
  /**
   * Held a ticket for a lottery drop, but the node holding it handed its batch in after the
   * drop was drawn (a node stalled past the grace): the ticket was not in the draw.
   */
  LOTTERY_MISSED: 'LOTTERY_MISSED',
  /** The rain is still falling: its seed (and so its replay) is revealed when it ends. */
  RAIN_NOT_OVER: 'RAIN_NOT_OVER',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  /** A packet or receive code that is malformed, forged, or names something it cannot claim. */
  CODE_INVALID: 'CODE_INVALID',
  /** A genuine code past its window (rotating) or its expiry (static). */
  CODE_EXPIRED: 'CODE_EXPIRED',
  /** A genuine receive code its owner has replaced with a newer one. */
  CODE_REVOKED: 'CODE_REVOKED',
  /** Risk control: a per-user daily total is used up (`limit`, `resetAt` say which, until when). */
  DAILY_LIMIT: 'DAILY_LIMIT',
  /** Risk control: this send needs a fresh sign-in (step-up); re-authenticate and retry. */
  VERIFICATION_REQUIRED: 'VERIFICATION_REQUIRED',
  /** Risk control: a breaker paused this sender's sends (`retryAfterMs`). */
  RISK_BLOCKED: 'RISK_BLOCKED',
  /** Content screening: the text (chat line, greeting, phrase…) hit a word list (`list` says which). */
  CONTENT_BLOCKED: 'CONTENT_BLOCKED',
  /**
   * A location-fenced packet and a claimer outside its fence (great-circle distance less the
   * trusted accuracy is more than the radius), or one who sent no location.
   */
  OUT_OF_AREA: 'OUT_OF_AREA',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** HTTP status for each code, used by the HTTP routes. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INVALID_PAYLOAD: 400,
  NOT_FOUND: 404,
  NOT_IN_ROOM: 403,
  INSUFFICIENT_FUNDS: 409,
  LIMIT_EXCEEDED: 422,
  RATE_LIMITED: 429,
  PACKET_EMPTY: 409,
  PACKET_EXPIRED: 410,
  ALREADY_GRABBED: 409,
  LOCKED: 423,
  NOT_OPEN_YET: 425,
  CURFEW: 403,
  DROP_NOT_ACTIVE: 409,
  RAIN_NOT_ACTIVE: 409,
  GRAB_CAP_REACHED: 409,
  GRAB_TOO_EARLY: 425,
  LOTTERY_LOST: 409,
  LOTTERY_MISSED: 409,
  RAIN_NOT_OVER: 409,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
  CODE_INVALID: 400,
  CODE_EXPIRED: 410,
  CODE_REVOKED: 410,
  DAILY_LIMIT: 429,
  VERIFICATION_REQUIRED: 401,
  RISK_BLOCKED: 429,
  CONTENT_BLOCKED: 422,
  OUT_OF_AREA: 403,
};

/** A transport-neutral HTTP exchange, so routes run the same on uWS and on node:http. */
export interface HttpRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string without its `?` (empty or absent when none). */
  query?: string;
  authorization: string | undefined;
  /** The raw body (empty string when none). */
  body: string;
  /** The TCP peer's address (a proxy's, behind one). */
  peer?: string;
  /** The X-Forwarded-For header (believed only from TRUSTED_PROXIES). */
  forwardedFor?: string;
  /** The Origin and Host headers (browser origin checks, CORS). */
  origin?: string;
  host?: string;
  /** Access-Control-Request-Method of a CORS preflight. */
  corsMethod?: string;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string | Buffer;
  /** Cache-Control header, when the response may be cached. */
  cacheControl?: string;
  /** Retry-After header, seconds (429 and 503 answers that know when to come back). */
  retryAfterSec?: number;
  /** Any other headers (CORS). */
  headers?: Record<string, string>;
}

export type HttpHandler = (req: HttpRequest) => Promise<HttpResponse>;

/** Largest request body accepted, bytes; larger bodies get 413. */
export const MAX_BODY_BYTES = 64 * 1024;

export const json = (status: number, value: unknown): HttpResponse => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});

export const bodyTooLarge = (): HttpResponse =>
  json(413, { error: { code: 'INVALID_PAYLOAD', message: `body larger than ${MAX_BODY_BYTES} bytes` } });

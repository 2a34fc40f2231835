/**
 * What every HTTP request passes before its route: a rate per client address (before
 * authentication, so anonymous floods stop here), a rate per user (after it), and the browser
 * Origin rules — a foreign Origin may not call a state-changing route, and allowed origins
 * get CORS headers (and their preflights answered).
 *
 * Cost per request: one or two Map lookups and token-bucket arithmetic (domain/rate-limit.ts),
 * plus one URL parse when the request carries an Origin under the `same-host` policy.
 */
import { GameError } from '../domain/errors.js';
import { KeyedRateLimiter } from '../domain/rate-limit.js';
import type { Metrics } from '../observability/metrics.js';
import { clientAddress } from './client-address.js';
import type { HttpRequest, HttpResponse } from './http-types.js';
import { originAllowed, type OriginPolicy } from './origin-policy.js';

export interface HttpLimitOptions {
  /** Requests per second per client address (0 = off), and the burst. */
  ipPerSec: number;
  ipBurst: number;
  /** Authenticated requests per second per user (0 = off), and the burst. */
  userPerSec: number;
  userBurst: number;
  trustedProxies: readonly string[];
  origins: OriginPolicy;
}

/** Methods that change state: refused from an Origin that is not allowed. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** How long a browser may cache a preflight's answer, s. */
const PREFLIGHT_MAX_AGE_SEC = 600;

export class HttpLimits {
  private readonly perAddress: KeyedRateLimiter;
  private readonly perUser: KeyedRateLimiter;

  constructor(
    private readonly options: HttpLimitOptions,
    private readonly metrics: Metrics,
    private readonly now: () => number = Date.now,
  ) {
    this.perAddress = new KeyedRateLimiter(options.ipPerSec, options.ipBurst);
    this.perUser = new KeyedRateLimiter(options.userPerSec, options.userBurst);
  }

  /** Throws RATE_LIMITED (with `retryAfterMs`) when the request's address is over its rate. */
  admitAddress(req: HttpRequest): void {
    if (!this.perAddress.enabled) return;
    const address = clientAddress(req.peer ?? '', req.forwardedFor, this.options.trustedProxies);
    const waitMs = this.perAddress.take(address, this.now());
    if (waitMs > 0) {
      this.metrics.rateLimited.inc({ scope: 'http_ip' });
      throw new GameError('RATE_LIMITED', 'too many requests from this address', { retryAfterMs: waitMs });
    }
  }

  /** Throws RATE_LIMITED (with `retryAfterMs`) when `userId` is over their rate. */
  admitUser(userId: string): void {
    const waitMs = this.perUser.take(userId, this.now());
    if (waitMs > 0) {
      this.metrics.rateLimited.inc({ scope: 'http_user' });
      throw new GameError('RATE_LIMITED', 'too many requests from this user', { retryAfterMs: waitMs });
    }
  }

  /** Throws FORBIDDEN for a state-changing request from a browser Origin that is not allowed. */
  checkOrigin(req: HttpRequest): void {
    if (!STATE_CHANGING.has(req.method) || this.originOk(req)) return;
    this.metrics.originRefused.inc();
    throw new GameError('FORBIDDEN', 'requests from this origin are not allowed (ALLOWED_ORIGINS)');
  }

  /** CORS headers for an allowed browser Origin (none without an Origin). */
  corsHeaders(req: HttpRequest): Record<string, string> | undefined {
    if (req.origin === undefined || !this.originOk(req)) return undefined;
    return { 'access-control-allow-origin': req.origin, vary: 'Origin' };
  }

  /** The answer to a CORS preflight (OPTIONS with Access-Control-Request-Method). */
  preflight(req: HttpRequest): HttpResponse {
    const cors = this.corsHeaders(req);
    if (!cors) {
      this.metrics.originRefused.inc();
      throw new GameError('FORBIDDEN', 'requests from this origin are not allowed (ALLOWED_ORIGINS)');
    }
    return {
      status: 204,
      contentType: 'text/plain',
      body: '',
      headers: {
        ...cors,
        'access-control-allow-methods': 'GET, POST, DELETE',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SEC),
      },
    };
  }

  private originOk(req: HttpRequest): boolean {
    return originAllowed(req.origin, req.host, this.options.origins);
  }
}

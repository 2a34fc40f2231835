/**
 * Which browser origins may open a socket or call a state-changing route (ALLOWED_ORIGINS).
 * A request without `Origin` is not from a browser page (SDK in Node, curl, the load tests)
 * and is allowed: the check is against other sites' pages acting with a visitor's browser,
 * not against clients, which authenticate with their token.
 */
import type { Config } from '../config.js';

export type OriginPolicy = Config['allowedOrigins'];

/** `Host: example.com:3000` → `example.com` (`[::1]:3000` → `[::1]`). */
function hostName(host: string): string {
  return host.trim().replace(/:\d+$/, '').toLowerCase();
}

/**
 * Whether a request carrying `origin` to `host` (its `Host` header) may go on. `same-host`
 * compares host names only: a proxy that sets `Host $host` (nginx) drops the port, and the
 * scheme is not known behind TLS termination.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  policy: OriginPolicy,
): boolean {
  if (origin === undefined || origin === '') return true;
  if (policy === 'any') return true;
  if (policy === 'same-host') {
    if (host === undefined || host === '') return false;
    let name: string;
    try {
      name = new URL(origin).hostname;
    } catch {
      return false; // `Origin: null` (sandboxed frames, file://) and garbage
    }
    return name === hostName(host);
  }
  return policy.includes(origin.toLowerCase());
}

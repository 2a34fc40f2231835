/**
 * Who may reach this node, and what that means for its secrets: the fail-closed rules.
 *
 * A node is *exposed* when others could reach it or share its state: `NODE_ENV=production`,
 * a Redis store, or a listen address that is not loopback. An exposed node never runs with a
 * random JWT secret (dev mode) — it refuses to start and says why — and serves dev tokens
 * (`POST /v1/dev/token`, which hands out admin tokens) only with `UNSAFE_DEV_TOKENS=1`, an
 * override the start-up log repeats as a warning, and never in production. `npm start` on a
 * fresh clone (memory store, loopback, no secret) stays the one-machine dev mode.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, flag, raw, readOr, type Env } from './read-env.js';
import type { Config, StoreConfig } from './types.js';

/** Addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Why a node counts as exposed (empty: it is not). */
export function exposureReasons(production: boolean, store: StoreConfig, host: string): string[] {
  return [
    ...(production ? ['NODE_ENV=production'] : []),
    ...(store.kind === 'memory' ? [] : [`a Redis store is configured (${store.kind})`]),
    ...(isLoopback(host) ? [] : [`HOST=${host} is not a loopback address`]),
  ];
}

/** The listen address when HOST is unset: loopback in dev mode (no secret), all interfaces otherwise. */
export function defaultHost(env: Env): string {
  return raw(env, 'JWT_SECRET') === undefined ? '127.0.0.1' : '0.0.0.0';
}

export function authConfig(env: Env, store: StoreConfig, host: string): Config['auth'] {
  const secret = raw(env, 'JWT_SECRET');
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  }
  const production = raw(env, 'NODE_ENV') === 'production';
  const exposed = exposureReasons(production, store, host);
  if (secret === undefined && exposed.length > 0) {
    throw new ConfigError(
      'JWT_SECRET',
      `required because ${exposed.join(' and ')}: without it the node would run in dev mode, where anyone can get an admin token`,
    );
  }
  const devMode = secret === undefined;
  const unsafeDevTokens = readOr(env, 'UNSAFE_DEV_TOKENS', flag, false);
  const devTokens = readOr(env, 'DEV_TOKENS', flag, devMode);
  if (production && (devTokens || unsafeDevTokens)) {
    throw new ConfigError(
      devTokens ? 'DEV_TOKENS' : 'UNSAFE_DEV_TOKENS',
      'dev tokens are never served with NODE_ENV=production',
    );
  }
  if (devTokens && exposed.length > 0 && !unsafeDevTokens) {
    throw new ConfigError(
      'DEV_TOKENS',
      `refused because ${exposed.join(' and ')} (anyone who reaches the node could get an admin token); set UNSAFE_DEV_TOKENS=1 to allow it on a test deployment`,
    );
  }
  return {
    jwtSecret: secret ?? randomBytes(32).toString('base64url'),
    devMode,
    devTokens,
    devTokensOverridden: devTokens && exposed.length > 0,
    issuer: raw(env, 'JWT_ISSUER'),
    audience: raw(env, 'JWT_AUDIENCE'),
  };
}

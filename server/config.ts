/**
 * Typed configuration from the environment, validated once at start. A bad value throws a
 * ConfigError naming the variable; main.ts prints it and exits. Every variable read here is
 * in ENV_VARS with its default (the README's table is generated from it). Configuration is
 * only parsed here: files it names (the word lists) are read where they are used, at start.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isTimeZone } from './domain/risk-day.js';
import type { Config, FenceConfig, StoreConfig } from './config/types.js';
import type { ValueDefaulted } from './config/env-vars.js';
import { authConfig, defaultHost } from './config/auth.js';
import {
  ConfigError,
  clockTime,
  flag,
  int,
  raw,
  read,
  readOr,
  timeZoneSchema,
  type Env,
} from './config/read-env.js';

export type * from './config/types.js';
export { ENV_VARS, type EnvName, type EnvVar } from './config/env-vars.js';
export { ConfigError } from './config/read-env.js';

function fenceConfig(env: Env): FenceConfig {
  const fence: FenceConfig = {
    minRadiusM: read(env, 'FENCE_MIN_RADIUS_M', int(1, 20_000_000)),
    maxRadiusM: read(env, 'FENCE_MAX_RADIUS_M', int(1, 20_000_000)),
    accuracyCapM: read(env, 'FENCE_ACCURACY_CAP_M', int(0, 100_000)),
    nearbyMaxRadiusM: read(env, 'NEARBY_MAX_RADIUS_M', int(1, 20_000_000)),
    probeFlagAt: read(env, 'FENCE_PROBE_FLAG_AT', int(0, 1_000_000)),
  };
  if (fence.maxRadiusM < fence.minRadiusM)
    throw new ConfigError('FENCE_MAX_RADIUS_M', `must be at least FENCE_MIN_RADIUS_M (${fence.minRadiusM})`);
  return fence;
}

function parseClusterNodes(raw: string): { host: string; port: number }[] {
  return raw.split(',').map((seed) => {
    const [, host, portText] = /^\s*([^\s:]+):(\d{1,5})\s*$/.exec(seed) ?? [];
    const port = Number(portText);
    if (host === undefined || port < 1 || port > 65535) {
      throw new ConfigError('REDIS_CLUSTER_NODES', `expected host:port,… but got ${JSON.stringify(seed)}`);
    }
    return { host, port };
  });
}

/** The store section of the config alone (REDIS_URL | REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX). */
export function storeConfig(env: Env = process.env): StoreConfig {
  const url = raw(env, 'REDIS_URL');
  const nodes = raw(env, 'REDIS_CLUSTER_NODES');
  if (url && nodes) {
    throw new ConfigError('REDIS_URL', 'set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  const keyPrefix = readOr(
    env,
    'REDIS_KEY_PREFIX',
    z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : -'),
    '',
  );
  if (nodes) return { kind: 'cluster', nodes: parseClusterNodes(nodes), keyPrefix };
  if (url) {
    if (!/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL', 'expected redis://… or rediss://…');
    return { kind: 'redis', url, keyPrefix };
  }
  return { kind: 'memory' };
}

function ledgerConfig(env: Env): Config['ledger'] {
  const url = raw(env, 'DATABASE_URL');
  // Read (and checked) whether or not DATABASE_URL is set, so a typo fails the start either way.
  const ledger = {
    commitDelayMs: read(env, 'LEDGER_COMMIT_DELAY_MS', int(0, 1000)),
    commitMaxRows: read(env, 'LEDGER_COMMIT_MAX_ROWS', int(1, 100_000)),
    timeoutMs: read(env, 'LEDGER_TIMEOUT_MS', int(50, 60_000)),
    poolSize: read(env, 'LEDGER_POOL_SIZE', int(1, 100)),
    autoRestore: read(env, 'LEDGER_AUTO_RESTORE', flag),
    reconcileIntervalMs: read(env, 'LEDGER_RECONCILE_INTERVAL_MS', int(0, 86_400_000)),
    reconcileGraceMs: read(env, 'LEDGER_RECONCILE_GRACE_MS', int(0, 600_000)),
    reconcileMaxUsers: read(env, 'LEDGER_RECONCILE_MAX_USERS', int(1, 10_000_000)),
  };
  if (url === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new ConfigError('DATABASE_URL', 'expected postgres://… or postgresql://…');
  return { url, ...ledger };
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/(\d{1,2}))?$/;

function parseTrustedProxies(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const value = entry.trim();
    const m = IPV4_CIDR.exec(value);
    const v4ok = m !== null && [1, 2, 3, 4].every((i) => Number(m[i]) <= 255) && Number(m[6] ?? 32) <= 32;
    if (!v4ok && !/^[0-9a-fA-F:]+$/.test(value)) {
      throw new ConfigError('TRUSTED_PROXIES', `expected IPs or IPv4 CIDRs, got ${JSON.stringify(value)}`);
    }
    return value;
  });
}

function riskConfig(env: Env): Config['risk'] {
  const timeZone = read(env, 'RISK_TIME_ZONE', z.string().min(1));
  if (!isTimeZone(timeZone))
    throw new ConfigError('RISK_TIME_ZONE', `unknown time zone ${JSON.stringify(timeZone)}`);
  const fen = int(0, Number.MAX_SAFE_INTEGER);
  const sec = (name: ValueDefaulted): number => read(env, name, int(1, 30 * 86_400)) * 1000;
  return {
    timeZone,
    dailyMaxSends: read(env, 'RISK_DAILY_MAX_SENDS', int(0, 1_000_000)),
    dailyMaxSentFen: read(env, 'RISK_DAILY_MAX_SENT_FEN', fen),
    dailyMaxReceivedFen: read(env, 'RISK_DAILY_MAX_RECEIVED_FEN', fen),
    dailyMaxRainFen: read(env, 'RISK_DAILY_MAX_RAIN_FEN', fen),
    verifyAfterSends: read(env, 'RISK_VERIFY_AFTER_SENDS', int(0, 1_000_000)),
    verifyMaxAgeMs: sec('RISK_VERIFY_MAX_AGE_SEC'),
    breakerRepeat: read(env, 'RISK_BREAKER_REPEAT', int(0, 1_000)),
    breakerWindowMs: sec('RISK_BREAKER_WINDOW_SEC'),
    breakerCooldownMs: sec('RISK_BREAKER_COOLDOWN_SEC'),
    grabFailMax: read(env, 'RISK_GRAB_FAIL_MAX', int(0, 1_000_000)),
    grabFailWindowMs: sec('RISK_GRAB_FAIL_WINDOW_SEC'),
    grabCooldownMs: sec('RISK_GRAB_COOLDOWN_SEC'),
    maxAccountsPerDevice: read(env, 'RISK_MAX_ACCOUNTS_PER_DEVICE', int(0, 1_000_000)),
    maxAccountsPerIp: read(env, 'RISK_MAX_ACCOUNTS_PER_IP', int(0, 1_000_000)),
    clusterEnforce: read(env, 'RISK_CLUSTER_ENFORCE', flag),
    trustedProxies: parseTrustedProxies(raw(env, 'TRUSTED_PROXIES')),
    banRefreshMs: read(env, 'RISK_BAN_REFRESH_MS', int(100, 3_600_000)),
    flushMs: read(env, 'RISK_FLUSH_MS', int(10, 60_000)),
  };
}

/**
 * ALLOWED_ORIGINS: `*` (any), or comma-separated origins (`https://game.example:8443`), each
 * kept as the URL standard writes its origin. Unset: `same-host`.
 */
function parseAllowedOrigins(value: string | undefined): Config['allowedOrigins'] {
  if (value === undefined) return 'same-host';
  if (value.trim() === '*') return 'any';
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let origin: string | undefined;
      try {
        origin = new URL(entry).origin;
      } catch {
        origin = undefined;
      }
      if (!origin || origin === 'null' || origin !== entry.replace(/\/$/, '').toLowerCase())
        throw new ConfigError(
          'ALLOWED_ORIGINS',
          `expected origins like https://host[:port], got ${JSON.stringify(entry)}`,
        );
      return origin;
    });
}

/** The shipped gambling list, next to this module in the source tree and in dist/ alike. */
export const DEFAULT_WORDLIST = fileURLToPath(new URL('./wordlists/gambling.txt', import.meta.url));

/**
 * SCREEN_WORDLIST_PATH: comma-separated word-list files (`off`: no screening), resolved from
 * the working directory. The files are read at start (loadStartupWordLists, in startApp): a
 * missing or malformed list stops the process there, naming this variable.
 */
function screenConfig(env: Env): Config['screen'] {
  const value = raw(env, 'SCREEN_WORDLIST_PATH');
  if (value?.trim() === 'off') return { paths: [] };
  const paths =
    value === undefined || value.trim() === ''
      ? [DEFAULT_WORDLIST]
      : value
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '')
          .map((p) => resolve(p));
  return { paths };
}

export function loadConfig(env: Env = process.env): Config {
  const store = storeConfig(env);
  const host = readOr(env, 'HOST', z.string().min(1), defaultHost(env));
  const auth = authConfig(env, store, host);
  const jwtSecret = auth.jwtSecret;
  const production = raw(env, 'NODE_ENV') === 'production';
  const metricsToken = raw(env, 'METRICS_TOKEN');
  if (production && metricsToken === undefined)
    throw new ConfigError(
      'METRICS_TOKEN',
      'required with NODE_ENV=production (GET /metrics is public without it)',
    );
  const codeSecret = raw(env, 'CODE_SECRET');
  if (codeSecret !== undefined && codeSecret.length < 16) {
    throw new ConfigError('CODE_SECRET', 'must be at least 16 characters');
  }
  return {
    port: read(env, 'PORT', int(0, 65535)),
    host,
    nodeId: readOr(
      env,
      'NODE_ID',
      z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -'),
      `node-${randomBytes(3).toString('hex')}`,
    ),
    logLevel: read(env, 'LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
    store,
    ledger: ledgerConfig(env),
    auth,
    wireFormat: read(env, 'WIRE_FORMAT', z.enum(['msgpack', 'json'])),
    transport: read(env, 'TRANSPORT', z.enum(['uws', 'node'])),
    limits: {
      packetMaxTotal: read(env, 'PACKET_MAX_TOTAL', int(1, Number.MAX_SAFE_INTEGER)),
      packetMaxCount: read(env, 'PACKET_MAX_COUNT', int(1, 10_000)),
      packetTtlMs: read(env, 'PACKET_TTL_MS', int(1_000, 30 * 86_400_000)),
      packetMaxOpenDelayMs: read(env, 'PACKET_MAX_OPEN_DELAY_MS', int(0, 30 * 86_400_000)),
      chatHistory: 50,
      chatTtlMs: read(env, 'CHAT_TTL_SEC', int(60, 365 * 86_400)) * 1_000,
      roomsPerSocket: read(env, 'ROOMS_PER_SOCKET_MAX', int(1, 10_000)),
      rainMaxTotalHost: read(env, 'RAIN_MAX_TOTAL_HOST', int(1, Number.MAX_SAFE_INTEGER)),
      rainMaxTotalAdmin: read(env, 'RAIN_MAX_TOTAL_ADMIN', int(1, Number.MAX_SAFE_INTEGER)),
      rainMaxDrops: read(env, 'RAIN_MAX_DROPS', int(1, 100_000)),
      rainMaxShares: read(env, 'RAIN_MAX_SHARES', int(1, 1_000_000)),
      rainMaxDurationMs: read(env, 'RAIN_MAX_DURATION_MS', int(1_000, 86_400_000)),
      karaokeMinSongMs: read(env, 'KARAOKE_MIN_SONG_MS', int(100, 3_600_000)),
      karaokeMaxSongMs: read(env, 'KARAOKE_MAX_SONG_MS', int(100, 3_600_000)),
    },
    karaoke: {
      unlockRatio: read(env, 'KARAOKE_UNLOCK_PERCENT', int(1, 100)) / 100,
      maxGapMs: read(env, 'KARAOKE_MAX_GAP_MS', int(100, 600_000)),
      toleranceMs: read(env, 'KARAOKE_TOLERANCE_MS', int(0, 60_000)),
      listenedIntervalMs: read(env, 'KARAOKE_LISTENED_INTERVAL_MS', int(10, 60_000)),
    },
    rain: {
      tickMs: read(env, 'RAIN_TICK_MS', int(10, 10_000)),
      leaseTtlMs: read(env, 'RAIN_LEASE_TTL_MS', int(500, 600_000)),
      batchGraceMs: read(env, 'RAIN_BATCH_GRACE_MS', int(0, 60_000)),
      scanMs: read(env, 'RAIN_SCAN_MS', int(10, 60_000)),
    },
    ws: {
      maxPayloadBytes: read(env, 'WS_MAX_PAYLOAD_BYTES', int(1_024, 16 * 1_048_576)),
      maxBackpressureBytes: read(env, 'WS_MAX_BACKPRESSURE_BYTES', int(16_384, 1_073_741_824)),
      idleTimeoutSec: read(env, 'WS_IDLE_TIMEOUT_SEC', int(8, 960)),
      pingIntervalMs: 25_000,
      pingTimeoutMs: 20_000,
      maxPerIp: read(env, 'WS_MAX_PER_IP', int(0, 10_000_000)),
      maxPerUser: read(env, 'WS_MAX_PER_USER', int(0, 100_000)),
      handshakeTimeoutMs: read(env, 'WS_HANDSHAKE_TIMEOUT_MS', int(50, 120_000)),
      tokenExpiryGraceMs: read(env, 'TOKEN_EXPIRY_GRACE_MS', int(0, 3_600_000)),
    },
    allowedOrigins: parseAllowedOrigins(raw(env, 'ALLOWED_ORIGINS')),
    rateLimit: {
      eventsPerSec: read(env, 'RATE_LIMIT_EVENTS_PER_SEC', int(1, 100_000)),
      eventsBurst: read(env, 'RATE_LIMIT_EVENTS_BURST', int(1, 100_000)),
      chatPerSec: read(env, 'RATE_LIMIT_CHAT_PER_SEC', int(1, 10_000)),
      userEventsPerSec: read(env, 'RATE_LIMIT_USER_PER_SEC', int(1, 100_000)),
      userEventsBurst: read(env, 'RATE_LIMIT_USER_BURST', int(1, 100_000)),
      httpIpPerSec: read(env, 'RATE_LIMIT_HTTP_IP_PER_SEC', int(0, 100_000)),
      httpIpBurst: read(env, 'RATE_LIMIT_HTTP_IP_BURST', int(1, 100_000)),
      httpUserPerSec: read(env, 'RATE_LIMIT_HTTP_USER_PER_SEC', int(0, 100_000)),
      httpUserBurst: read(env, 'RATE_LIMIT_HTTP_USER_BURST', int(1, 100_000)),
    },
    timers: {
      sweepIntervalMs: read(env, 'SWEEP_INTERVAL_MS', int(10, 3_600_000)),
      reconcileIntervalMs: read(env, 'RECONCILE_INTERVAL_MS', int(10, 3_600_000)),
      reconcileGraceMs: read(env, 'RECONCILE_GRACE_MS', int(0, 3_600_000)),
      presenceIntervalMs: read(env, 'PRESENCE_INTERVAL_MS', int(10, 60_000)),
      grabBatchMs: read(env, 'GRAB_BATCH_MS', int(5, 10_000)),
      grabRoomDeliveriesPerSec: read(env, 'GRAB_ROOM_DELIVERIES_PER_SEC', int(1, 1_000_000_000)),
      storeProbeMs: read(env, 'STORE_PROBE_MS', int(100, 600_000)),
      auditIntervalMs: read(env, 'AUDIT_INTERVAL_MS', int(0, 86_400_000)),
      nodeHeartbeatMs: read(env, 'NODE_HEARTBEAT_MS', int(10, 60_000)),
      nodeDeadAfterMs: read(env, 'NODE_DEAD_AFTER_MS', int(50, 600_000)),
      storeStartWaitMs: read(env, 'STORE_START_WAIT_MS', int(0, 600_000)),
    },
    codes: {
      // A key of its own: a code tag never doubles as anything a token signs.
      secret: codeSecret || createHmac('sha256', jwtSecret).update('red-packet codes v1').digest('base64url'),
      rotateMs: read(env, 'CODE_ROTATE_MS', int(1_000, 3_600_000)),
    },
    screen: screenConfig(env),
    curfew: {
      startMinute: read(env, 'CURFEW_START', clockTime),
      endMinute: read(env, 'CURFEW_END', clockTime),
      timeZone: read(env, 'CURFEW_TIME_ZONE', timeZoneSchema),
    },
    fence: fenceConfig(env),
    risk: riskConfig(env),
    metricsToken,
    webDir: resolve(read(env, 'WEB_DIR', z.string().min(1))),
  };
}

/**
 * Typed configuration from the environment, validated once at start. A bad value throws a
 * ConfigError naming the variable; main.ts prints it and exits. Every variable is listed,
 * with its default, in the README.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isTimeZone } from './domain/risk-day.js';
import type { RiskPolicy } from './domain/risk-rules.js';
import { loadWordLists } from './services/word-list-files.js';

/** `keyPrefix` goes in front of every Redis key and pub/sub channel (one per deployment). */
export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; keyPrefix: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; keyPrefix: string };

export interface Config {
  port: number;
  host: string;
  nodeId: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  store: StoreConfig;
  auth: {
    /** HS256 key. In dev mode a random one made at start. */
    jwtSecret: string;
    /** True when no JWT_SECRET was given. */
    devMode: boolean;
    /** Whether POST /v1/dev/token is served. */
    devTokens: boolean;
  };
  wireFormat: 'msgpack' | 'json';
  /** `uws` (the default) or socket.io's own Node HTTP + ws transport, for comparison. */
  transport: 'uws' | 'node';
  limits: {
    /** Largest group packet, fen. @default 20000 */
    packetMaxTotal: number;
    /** Most shares in a group packet. @default 100 */
    packetMaxCount: number;
    /** Packet lifetime before the remainder is refunded, ms. @default 86400000 */
    packetTtlMs: number;
    /** How far ahead a timed packet may open, ms. @default 86400000 */
    packetMaxOpenDelayMs: number;
    /** Chat lines kept per room. @default 50 */
    chatHistory: number;
    /** Largest rain budget a host / an admin may fund, fen. @default 1000000 / 10000000 */
    rainMaxTotalHost: number;
    rainMaxTotalAdmin: number;
    /** Most drops, and most shares (drops × sharesPerDrop), in one rain. @default 2000 / 20000 */
    rainMaxDrops: number;
    rainMaxShares: number;
    /** Longest rain, ms. @default 600000 */
    rainMaxDurationMs: number;
    /** Shortest / longest song of a karaoke packet, ms. @default 3000 / 900000 */
    karaokeMinSongMs: number;
    karaokeMaxSongMs: number;
  };
  karaoke: {
    /** Share of the song to hear before the packet opens. @default 0.95 */
    unlockRatio: number;
    /** Longest gap between progress reports that still earns credit, ms. @default 15000 */
    maxGapMs: number;
    /** Slack over the server's elapsed time a report may advance, ms. @default 1000 */
    toleranceMs: number;
    /** How often karaoke:listened is broadcast (coalesced), ms. @default 1000 */
    listenedIntervalMs: number;
  };
  rain: {
    /** How often a driving node releases due drops (one rain:drops per rain per tick), ms. @default 100 */
    tickMs: number;
    /** A driver's lease; a dead driver is replaced within about this long, ms. @default 3000 */
    leaseTtlMs: number;
    /** How often nodes look for rains without a live driver, ms. @default 500 */
    scanMs: number;
  };
  ws: {
    /** Largest inbound frame, bytes; larger frames close the connection. @default 16384 */
    maxPayloadBytes: number;
    /** Bytes queued to one socket before it is disconnected as too slow. @default 1048576 */
    maxBackpressureBytes: number;
    /** Seconds without traffic before uWS closes a socket. @default 60 */
    idleTimeoutSec: number;
    /** socket.io heartbeat. @default 25000 / 20000 */
    pingIntervalMs: number;
    pingTimeoutMs: number;
  };
  rateLimit: {
    /** Sustained client→server events per second per socket. @default 50 */
    eventsPerSec: number;
    /** Burst allowance. @default 100 */
    eventsBurst: number;
    /** Chat lines per second per socket (burst 5×). @default 2 */
    chatPerSec: number;
  };
  timers: {
    /** How often the sweeper refunds expired packets. @default 1000 */
    sweepIntervalMs: number;
    /** How often the reconciler looks for half-done money moves. @default 5000 */
    reconcileIntervalMs: number;
    /** How old a half-done move must be before the reconciler finishes it. @default 10000 */
    reconcileGraceMs: number;
    /** How often coalesced presence counts are broadcast. @default 1000 */
    presenceIntervalMs: number;
    /** How often coalesced packet:grabbed batches are broadcast. @default 50 */
    grabBatchMs: number;
    /** How often the store is pinged for `rp_store_up`. @default 5000 */
    storeProbeMs: number;
    /** How often the audit runs for the `rp_audit_*` gauges; 0 = never. @default 300000 */
    auditIntervalMs: number;
    /** How often a node renews its liveness and looks for dead nodes to reap. @default 1000 */
    nodeHeartbeatMs: number;
    /** A node that has not renewed for this long counts as dead; its members are reaped. @default 5000 */
    nodeDeadAfterMs: number;
    /**
     * How long start-up waits for Redis before listening anyway (not ready until it answers).
     * @default 5000
     */
    storeStartWaitMs: number;
  };
  codes: {
    /** HMAC key of packet and receive codes. @default derived from the JWT secret */
    secret: string;
    /** How often a packet's rotating code changes, ms; the previous one stays valid one more window. @default 30000 */
    rotateMs: number;
  };
  /**
   * Content screening of chat lines and packet texts (docs/operations.md, "Content
   * screening"): the word-list files, in priority order; none when screening is off.
   * @default the shipped server/wordlists/gambling.txt
   */
  screen: { paths: string[] };
  /** The minors' curfew (domain/curfew.ts): local start/end minutes in an IANA zone. */
  curfew: { startMinute: number; endMinute: number; timeZone: string };
  /** Location-fenced packets and nearby search (domain/geo-fence.ts). */
  fence: FenceConfig;
  /** Risk control (docs/operations.md, "Risk control", has each default's source). */
  risk: RiskPolicy & {
    /** Proxies whose X-Forwarded-For is believed (IPs or IPv4 CIDRs). @default none */
    trustedProxies: string[];
    /** How often each node reloads bans from the store (a backstop for the broadcast), ms. @default 5000 */
    banRefreshMs: number;
    /** How often received fen and winners are written to the store, ms. @default 200 */
    flushMs: number;
  };
  /** The built web page served at `/`. @default dist/web (from the working directory) */
  webDir: string;
  /** If set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

export interface FenceConfig {
  /** Smallest / largest fence radius a sender may set, m. @default 50 / 50000 */
  minRadiusM: number;
  maxRadiusM: number;
  /** Most of a claimer's reported accuracy that is credited, m. @default 100 */
  accuracyCapM: number;
  /** Largest radius a nearby search may ask for, m. @default 50000 */
  nearbyMaxRadiusM: number;
  /** Refused attempts by one user on one fenced packet that raise a `fence-probe` risk flag. @default 5 */
  probeFlagAt: number;
}

function fenceConfig(env: Env): FenceConfig {
  const fence: FenceConfig = {
    minRadiusM: read(env, 'FENCE_MIN_RADIUS_M', int(1, 20_000_000), 50),
    maxRadiusM: read(env, 'FENCE_MAX_RADIUS_M', int(1, 20_000_000), 50_000),
    accuracyCapM: read(env, 'FENCE_ACCURACY_CAP_M', int(0, 100_000), 100),
    nearbyMaxRadiusM: read(env, 'NEARBY_MAX_RADIUS_M', int(1, 20_000_000), 50_000),
    probeFlagAt: read(env, 'FENCE_PROBE_FLAG_AT', int(0, 1_000_000), 5),
  };
  if (fence.maxRadiusM < fence.minRadiusM)
    throw new ConfigError('FENCE_MAX_RADIUS_M', `must be at least FENCE_MIN_RADIUS_M (${fence.minRadiusM})`);
  return fence;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read<T>(env: Env, name: string, schema: z.ZodType<T>, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      name,
      `invalid value ${JSON.stringify(raw)} (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

const int = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.int().min(min).max(max));

/** "HH:MM" (24 h) → minutes after midnight. */
const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));

/** An IANA time zone this runtime knows. */
const timeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai');

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

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

function storeConfig(env: Env): StoreConfig {
  const url = env.REDIS_URL;
  const nodes = env.REDIS_CLUSTER_NODES;
  if (url && nodes) {
    throw new ConfigError('REDIS_URL', 'set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  const keyPrefix = read(
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
  const timeZone = read(env, 'RISK_TIME_ZONE', z.string().min(1), 'Asia/Shanghai');
  if (!isTimeZone(timeZone))
    throw new ConfigError('RISK_TIME_ZONE', `unknown time zone ${JSON.stringify(timeZone)}`);
  const fen = int(0, Number.MAX_SAFE_INTEGER);
  const sec = (name: string, fallback: number, min = 1): number =>
    read(env, name, int(min, 30 * 86_400), fallback) * 1000;
  return {
    timeZone,
    dailyMaxSends: read(env, 'RISK_DAILY_MAX_SENDS', int(0, 1_000_000), 100),
    dailyMaxSentFen: read(env, 'RISK_DAILY_MAX_SENT_FEN', fen, 1_000_000),
    dailyMaxReceivedFen: read(env, 'RISK_DAILY_MAX_RECEIVED_FEN', fen, 100_000),
    dailyMaxRainFen: read(env, 'RISK_DAILY_MAX_RAIN_FEN', fen, 10_000_000),
    verifyAfterSends: read(env, 'RISK_VERIFY_AFTER_SENDS', int(0, 1_000_000), 5),
    verifyMaxAgeMs: sec('RISK_VERIFY_MAX_AGE_SEC', 300),
    breakerRepeat: read(env, 'RISK_BREAKER_REPEAT', int(0, 1_000), 5),
    breakerWindowMs: sec('RISK_BREAKER_WINDOW_SEC', 3_600),
    breakerCooldownMs: sec('RISK_BREAKER_COOLDOWN_SEC', 600),
    grabFailMax: read(env, 'RISK_GRAB_FAIL_MAX', int(0, 1_000_000), 30),
    grabFailWindowMs: sec('RISK_GRAB_FAIL_WINDOW_SEC', 10),
    grabCooldownMs: sec('RISK_GRAB_COOLDOWN_SEC', 30),
    maxAccountsPerDevice: read(env, 'RISK_MAX_ACCOUNTS_PER_DEVICE', int(0, 1_000_000), 3),
    maxAccountsPerIp: read(env, 'RISK_MAX_ACCOUNTS_PER_IP', int(0, 1_000_000), 10),
    clusterEnforce: read(env, 'RISK_CLUSTER_ENFORCE', flag, false),
    trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES),
    banRefreshMs: read(env, 'RISK_BAN_REFRESH_MS', int(100, 3_600_000), 5_000),
    flushMs: read(env, 'RISK_FLUSH_MS', int(10, 60_000), 200),
  };
}

/** The shipped gambling list, next to this module in the source tree and in dist/ alike. */
export const DEFAULT_WORDLIST = fileURLToPath(new URL('./wordlists/gambling.txt', import.meta.url));

/**
 * SCREEN_WORDLIST_PATH: comma-separated word-list files (`off`: no screening). Each is read
 * and parsed now, so a missing or malformed list stops the process here, naming the variable.
 */
function screenConfig(env: Env): Config['screen'] {
  const raw = env.SCREEN_WORDLIST_PATH;
  if (raw?.trim() === 'off') return { paths: [] };
  const paths =
    raw === undefined || raw.trim() === ''
      ? [DEFAULT_WORDLIST]
      : raw
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '')
          .map((p) => resolve(p));
  try {
    loadWordLists(paths);
  } catch (err) {
    throw new ConfigError('SCREEN_WORDLIST_PATH', err instanceof Error ? err.message : String(err));
  }
  return { paths };
}

export function loadConfig(env: Env = process.env): Config {
  const secret = env.JWT_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 16) {
    throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  }
  const devMode = !secret;
  const devTokens = read(env, 'DEV_TOKENS', flag, devMode);
  const jwtSecret = secret || randomBytes(32).toString('base64url');
  const codeSecret = env.CODE_SECRET;
  if (codeSecret !== undefined && codeSecret !== '' && codeSecret.length < 16) {
    throw new ConfigError('CODE_SECRET', 'must be at least 16 characters');
  }
  return {
    port: read(env, 'PORT', int(0, 65535), 3000),
    host: read(env, 'HOST', z.string().min(1), '0.0.0.0'),
    nodeId: read(
      env,
      'NODE_ID',
      z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -'),
      `node-${randomBytes(3).toString('hex')}`,
    ),
    logLevel: read(
      env,
      'LOG_LEVEL',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      'info',
    ),
    store: storeConfig(env),
    auth: { jwtSecret, devMode, devTokens },
    wireFormat: read(env, 'WIRE_FORMAT', z.enum(['msgpack', 'json']), 'msgpack'),
    transport: read(env, 'TRANSPORT', z.enum(['uws', 'node']), 'uws'),
    limits: {
      packetMaxTotal: read(env, 'PACKET_MAX_TOTAL', int(1, Number.MAX_SAFE_INTEGER), 20_000),
      packetMaxCount: read(env, 'PACKET_MAX_COUNT', int(1, 10_000), 100),
      packetTtlMs: read(env, 'PACKET_TTL_MS', int(1_000, 30 * 86_400_000), 86_400_000),
      packetMaxOpenDelayMs: read(env, 'PACKET_MAX_OPEN_DELAY_MS', int(0, 30 * 86_400_000), 86_400_000),
      chatHistory: 50,
      rainMaxTotalHost: read(env, 'RAIN_MAX_TOTAL_HOST', int(1, Number.MAX_SAFE_INTEGER), 1_000_000),
      rainMaxTotalAdmin: read(env, 'RAIN_MAX_TOTAL_ADMIN', int(1, Number.MAX_SAFE_INTEGER), 10_000_000),
      rainMaxDrops: read(env, 'RAIN_MAX_DROPS', int(1, 100_000), 2_000),
      rainMaxShares: read(env, 'RAIN_MAX_SHARES', int(1, 1_000_000), 20_000),
      rainMaxDurationMs: read(env, 'RAIN_MAX_DURATION_MS', int(1_000, 86_400_000), 600_000),
      karaokeMinSongMs: read(env, 'KARAOKE_MIN_SONG_MS', int(100, 3_600_000), 3_000),
      karaokeMaxSongMs: read(env, 'KARAOKE_MAX_SONG_MS', int(100, 3_600_000), 900_000),
    },
    karaoke: {
      unlockRatio: read(env, 'KARAOKE_UNLOCK_PERCENT', int(1, 100), 95) / 100,
      maxGapMs: read(env, 'KARAOKE_MAX_GAP_MS', int(100, 600_000), 15_000),
      toleranceMs: read(env, 'KARAOKE_TOLERANCE_MS', int(0, 60_000), 1_000),
      listenedIntervalMs: read(env, 'KARAOKE_LISTENED_INTERVAL_MS', int(10, 60_000), 1_000),
    },
    rain: {
      tickMs: read(env, 'RAIN_TICK_MS', int(10, 10_000), 100),
      leaseTtlMs: read(env, 'RAIN_LEASE_TTL_MS', int(500, 600_000), 3_000),
      scanMs: read(env, 'RAIN_SCAN_MS', int(10, 60_000), 500),
    },
    ws: {
      maxPayloadBytes: read(env, 'WS_MAX_PAYLOAD_BYTES', int(1_024, 16 * 1_048_576), 16_384),
      maxBackpressureBytes: read(env, 'WS_MAX_BACKPRESSURE_BYTES', int(16_384, 1_073_741_824), 1_048_576),
      idleTimeoutSec: read(env, 'WS_IDLE_TIMEOUT_SEC', int(8, 960), 60),
      pingIntervalMs: 25_000,
      pingTimeoutMs: 20_000,
    },
    rateLimit: {
      eventsPerSec: read(env, 'RATE_LIMIT_EVENTS_PER_SEC', int(1, 100_000), 50),
      eventsBurst: read(env, 'RATE_LIMIT_EVENTS_BURST', int(1, 100_000), 100),
      chatPerSec: read(env, 'RATE_LIMIT_CHAT_PER_SEC', int(1, 10_000), 2),
    },
    timers: {
      sweepIntervalMs: read(env, 'SWEEP_INTERVAL_MS', int(10, 3_600_000), 1_000),
      reconcileIntervalMs: read(env, 'RECONCILE_INTERVAL_MS', int(10, 3_600_000), 5_000),
      reconcileGraceMs: read(env, 'RECONCILE_GRACE_MS', int(0, 3_600_000), 10_000),
      presenceIntervalMs: read(env, 'PRESENCE_INTERVAL_MS', int(10, 60_000), 1_000),
      grabBatchMs: read(env, 'GRAB_BATCH_MS', int(5, 10_000), 50),
      storeProbeMs: read(env, 'STORE_PROBE_MS', int(100, 600_000), 5_000),
      auditIntervalMs: read(env, 'AUDIT_INTERVAL_MS', int(0, 86_400_000), 300_000),
      nodeHeartbeatMs: read(env, 'NODE_HEARTBEAT_MS', int(10, 60_000), 1_000),
      nodeDeadAfterMs: read(env, 'NODE_DEAD_AFTER_MS', int(50, 600_000), 5_000),
      storeStartWaitMs: read(env, 'STORE_START_WAIT_MS', int(0, 600_000), 5_000),
    },
    codes: {
      // A key of its own: a code tag never doubles as anything a token signs.
      secret: codeSecret || createHmac('sha256', jwtSecret).update('red-packet codes v1').digest('base64url'),
      rotateMs: read(env, 'CODE_ROTATE_MS', int(1_000, 3_600_000), 30_000),
    },
    screen: screenConfig(env),
    curfew: {
      startMinute: read(env, 'CURFEW_START', clockTime, 22 * 60),
      endMinute: read(env, 'CURFEW_END', clockTime, 6 * 60),
      timeZone: read(env, 'CURFEW_TIME_ZONE', timeZoneSchema, 'Asia/Shanghai'),
    },
    fence: fenceConfig(env),
    risk: riskConfig(env),
    metricsToken: env.METRICS_TOKEN || undefined,
    webDir: read(env, 'WEB_DIR', z.string().min(1), resolve('dist/web')),
  };
}

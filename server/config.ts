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
import type { RiskPolicy } from './domain/risk-rules.js';

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
    /** Largest group packet, fen. */
    packetMaxTotal: number;
    /** Most shares in a group packet. */
    packetMaxCount: number;
    /** Packet lifetime before the remainder is refunded, ms. */
    packetTtlMs: number;
    /** How far ahead a timed packet may open, ms. */
    packetMaxOpenDelayMs: number;
    /** Chat lines kept per room. */
    chatHistory: number;
    /** Largest rain budget a host / an admin may fund, fen. */
    rainMaxTotalHost: number;
    rainMaxTotalAdmin: number;
    /** Most drops, and most shares (drops × sharesPerDrop), in one rain. */
    rainMaxDrops: number;
    rainMaxShares: number;
    /** Longest rain, ms. */
    rainMaxDurationMs: number;
    /** Shortest / longest song of a karaoke packet, ms. */
    karaokeMinSongMs: number;
    karaokeMaxSongMs: number;
  };
  karaoke: {
    /** Share of the song to hear before the packet opens. */
    unlockRatio: number;
    /** Longest gap between progress reports that still earns credit, ms. */
    maxGapMs: number;
    /** Slack over the server's elapsed time a report may advance, ms. */
    toleranceMs: number;
    /** How often karaoke:listened is broadcast (coalesced), ms. */
    listenedIntervalMs: number;
  };
  rain: {
    /** How often a driving node releases due drops (one rain:drops per rain per tick), ms. */
    tickMs: number;
    /** A driver's lease; a dead driver is replaced within about this long, ms. */
    leaseTtlMs: number;
    /** How often nodes look for rains without a live driver, ms. */
    scanMs: number;
  };
  ws: {
    /** Largest inbound frame, bytes; larger frames close the connection. */
    maxPayloadBytes: number;
    /** Bytes queued to one socket before it is disconnected as too slow. */
    maxBackpressureBytes: number;
    /** Seconds without traffic before uWS closes a socket. */
    idleTimeoutSec: number;
    /** socket.io heartbeat. */
    pingIntervalMs: number;
    pingTimeoutMs: number;
  };
  rateLimit: {
    /** Sustained client→server events per second per socket. */
    eventsPerSec: number;
    /** Burst allowance. */
    eventsBurst: number;
    /** Chat lines per second per socket (burst 5×). */
    chatPerSec: number;
  };
  timers: {
    /** How often the sweeper refunds expired packets. */
    sweepIntervalMs: number;
    /** How often the reconciler looks for half-done money moves. */
    reconcileIntervalMs: number;
    /** How old a half-done move must be before the reconciler finishes it. */
    reconcileGraceMs: number;
    /** How often coalesced presence counts are broadcast. */
    presenceIntervalMs: number;
    /** How often coalesced packet:grabbed batches are broadcast. */
    grabBatchMs: number;
    /** How often the store is pinged for `rp_store_up`. */
    storeProbeMs: number;
    /** How often the audit runs for the `rp_audit_*` gauges; 0 = never. */
    auditIntervalMs: number;
    /** How often a node renews its liveness and looks for dead nodes to reap. */
    nodeHeartbeatMs: number;
    /** A node that has not renewed for this long counts as dead; its members are reaped. */
    nodeDeadAfterMs: number;
    /** How long start-up waits for Redis before listening anyway (not ready until it answers). */
    storeStartWaitMs: number;
  };
  codes: {
    /** HMAC key of packet and receive codes. */
    secret: string;
    /** How often a packet's rotating code changes, ms; the previous one stays valid one more window. */
    rotateMs: number;
  };
  /**
   * Content screening of chat lines and packet texts (docs/operations.md, "Content
   * screening"): the word-list files, in priority order; none when screening is off.
   */
  screen: { paths: string[] };
  /** The minors' curfew (domain/curfew.ts): local start/end minutes in an IANA zone. */
  curfew: { startMinute: number; endMinute: number; timeZone: string };
  /** Location-fenced packets and nearby search (domain/geo-fence.ts). */
  fence: FenceConfig;
  /** Risk control (docs/operations.md, "Risk control", has each default's source). */
  risk: RiskPolicy & {
    /** Proxies whose X-Forwarded-For is believed (IPs or IPv4 CIDRs). */
    trustedProxies: string[];
    /** How often each node reloads bans from the store (a backstop for the broadcast), ms. */
    banRefreshMs: number;
    /** How often received fen and winners are written to the store, ms. */
    flushMs: number;
  };
  /** The built web page served at `/` (an absolute path). */
  webDir: string;
  /** If set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

export interface FenceConfig {
  /** Smallest / largest fence radius a sender may set, m. */
  minRadiusM: number;
  maxRadiusM: number;
  /** Most of a claimer's reported accuracy that is credited, m. */
  accuracyCapM: number;
  /** Largest radius a nearby search may ask for, m. */
  nearbyMaxRadiusM: number;
  /** Refused attempts by one user on one fenced packet that raise a `fence-probe` risk flag. */
  probeFlagAt: number;
}

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

/** One environment variable: its default value, or what leaving it unset means; and its meaning. */
export type EnvVar = { default: string; about: string } | { unset: string; about: string };

/**
 * Every variable loadConfig reads, with its default and meaning: the one place a default is
 * written. `default` is the value used when the variable is unset or empty, written as it
 * would be set (it goes through the same check); `unset` says in words what an unset
 * variable means when there is no such value. The README's configuration table is made
 * from this (`npm run docs:config`).
 */
export const ENV_VARS = {
  PORT: { default: '3000', about: 'listen port (`0` picks a free port)' },
  HOST: { default: '0.0.0.0', about: 'listen address' },
  REDIS_URL: {
    unset: 'unset → in-memory store, one node',
    about: 'standalone Redis, e.g. `redis://host:6379`',
  },
  REDIS_CLUSTER_NODES: { unset: 'unset', about: '`host:port,…` seeds → Redis Cluster mode (Redis ≥ 7)' },
  REDIS_KEY_PREFIX: {
    unset: 'empty',
    about: 'prefix for every key and pub/sub channel (one per deployment)',
  },
  JWT_SECRET: {
    unset: 'unset → dev mode',
    about: 'HS256 secret, ≥ 16 characters; unset makes a random one at start',
  },
  DEV_TOKENS: {
    unset: 'on in dev mode only',
    about: '`1` enables `POST /v1/dev/token` with a secret set, `0` disables it',
  },
  WIRE_FORMAT: { default: 'msgpack', about: "`json` serves socket.io's default parser for generic clients" },
  TRANSPORT: { default: 'uws', about: '`node` runs on node:http + ws instead (for comparison)' },
  LOG_LEVEL: { default: 'info', about: 'pino level (`silent` … `trace`)' },
  NODE_ID: { unset: 'random', about: "this node's name in logs, metrics and rain leases" },
  PACKET_MAX_TOTAL: { default: '20000', about: 'largest group packet, fen' },
  PACKET_MAX_COUNT: { default: '100', about: 'most shares in a group packet' },
  PACKET_TTL_MS: { default: '86400000', about: "a packet's lifetime before the remainder is refunded" },
  PACKET_MAX_OPEN_DELAY_MS: {
    default: '86400000',
    about: 'how far ahead a timed packet (`opensAt` / `opensInMs`) may open',
  },
  CURFEW_START: {
    default: '22:00',
    about: "start of the minors' curfew (local `HH:MM`): tokens with `minor: true` cannot move money",
  },
  CURFEW_END: { default: '06:00', about: "end of the minors' curfew (local `HH:MM`)" },
  CURFEW_TIME_ZONE: { default: 'Asia/Shanghai', about: "IANA zone of the minors' curfew hours" },
  SCREEN_WORDLIST_PATH: {
    unset: 'shipped `gambling.txt`',
    about: 'word-list files, comma-separated, `off` for none (docs/operations.md)',
  },
  FENCE_MIN_RADIUS_M: { default: '50', about: "smallest radius (m) of a location-fenced packet's fence" },
  FENCE_MAX_RADIUS_M: { default: '50000', about: "largest radius (m) of a location-fenced packet's fence" },
  FENCE_ACCURACY_CAP_M: {
    default: '100',
    about: "most of a claimer's reported accuracy (m) the fence check credits",
  },
  NEARBY_MAX_RADIUS_M: { default: '50000', about: 'largest radius (m) a nearby search may ask for' },
  FENCE_PROBE_FLAG_AT: {
    default: '5',
    about: 'refusals of one user on one fenced packet that raise a `fence-probe` flag (`0`: never)',
  },
  KARAOKE_MIN_SONG_MS: { default: '3000', about: 'shortest song of a karaoke packet' },
  KARAOKE_MAX_SONG_MS: { default: '900000', about: 'longest song of a karaoke packet' },
  KARAOKE_UNLOCK_PERCENT: { default: '95', about: 'share of the song to hear before the packet opens' },
  KARAOKE_MAX_GAP_MS: {
    default: '15000',
    about: 'longest gap between progress reports that still earns credit',
  },
  KARAOKE_TOLERANCE_MS: {
    default: '1000',
    about: "slack for network jitter: how far a report may advance beyond the server's elapsed time",
  },
  KARAOKE_LISTENED_INTERVAL_MS: {
    default: '1000',
    about: 'how often `karaoke:listened` is broadcast (coalesced)',
  },
  RAIN_MAX_TOTAL_HOST: { default: '1000000', about: 'largest rain budget (fen) a host may fund' },
  RAIN_MAX_TOTAL_ADMIN: { default: '10000000', about: 'largest rain budget (fen) an admin may fund' },
  RAIN_MAX_DROPS: { default: '2000', about: 'most drops in one rain' },
  RAIN_MAX_SHARES: { default: '20000', about: 'most shares (drops × `sharesPerDrop`) in one rain' },
  RAIN_MAX_DURATION_MS: { default: '600000', about: 'longest rain' },
  RAIN_TICK_MS: { default: '100', about: 'drop release tick: at most one `rain:drops` per rain per tick' },
  RAIN_LEASE_TTL_MS: {
    default: '3000',
    about: "a rain driver's lease: a dead driver is replaced within about this long",
  },
  RAIN_SCAN_MS: { default: '500', about: 'how often nodes look for rains without a live driver' },
  WS_MAX_PAYLOAD_BYTES: { default: '16384', about: 'largest inbound frame; larger closes the connection' },
  WS_MAX_BACKPRESSURE_BYTES: {
    default: '1048576',
    about: 'outbound queue per socket before it is dropped as too slow',
  },
  WS_IDLE_TIMEOUT_SEC: { default: '60', about: 'seconds without traffic before uWS closes a socket' },
  RATE_LIMIT_EVENTS_PER_SEC: {
    default: '50',
    about: 'sustained client→server events per second per socket',
  },
  RATE_LIMIT_EVENTS_BURST: { default: '100', about: 'burst allowance of those events' },
  RATE_LIMIT_CHAT_PER_SEC: { default: '2', about: 'chat lines per second per socket (burst 5×)' },
  SWEEP_INTERVAL_MS: { default: '1000', about: 'how often expired packets are refunded' },
  RECONCILE_INTERVAL_MS: { default: '5000', about: 'how often half-done money moves are looked for' },
  RECONCILE_GRACE_MS: {
    default: '10000',
    about: 'how old a half-done money move must be before the reconciler finishes it',
  },
  PRESENCE_INTERVAL_MS: { default: '1000', about: 'how often member counts are broadcast (coalesced)' },
  GRAB_BATCH_MS: {
    default: '50',
    about: 'how often grabs are broadcast, coalesced per room, as `packet:grabbed`',
  },
  STORE_START_WAIT_MS: {
    default: '5000',
    about: 'how long start-up waits for Redis before listening anyway (not ready until it answers)',
  },
  METRICS_TOKEN: { unset: 'unset', about: 'bearer token required by `GET /metrics` when set' },
  CODE_SECRET: {
    unset: 'derived from the JWT secret',
    about:
      'HMAC key of packet and receive codes (≥ 16 characters; every node of a deployment needs the same)',
  },
  CODE_ROTATE_MS: {
    default: '30000',
    about: "how often a code packet's QR code rotates (the previous code stays valid one more window)",
  },
  RISK_TIME_ZONE: {
    default: 'Asia/Shanghai',
    about: 'IANA zone whose midnight resets the daily risk totals',
  },
  RISK_DAILY_MAX_SENDS: { default: '100', about: 'packets a user may send a day (`0`: no limit)' },
  RISK_DAILY_MAX_SENT_FEN: { default: '1000000', about: 'fen a user may send a day (`0`: no limit)' },
  RISK_DAILY_MAX_RECEIVED_FEN: { default: '100000', about: 'fen a user may receive a day (`0`: no limit)' },
  RISK_DAILY_MAX_RAIN_FEN: {
    default: '10000000',
    about: 'fen a user may fund into rains a day (`0`: no limit)',
  },
  RISK_VERIFY_AFTER_SENDS: {
    default: '5',
    about: 'step-up: sends a day after which a recent sign-in is required',
  },
  RISK_VERIFY_MAX_AGE_SEC: { default: '300', about: 'step-up: how recent that sign-in must be' },
  RISK_BREAKER_REPEAT: { default: '5', about: 'identical amounts in a row that pause a sender' },
  RISK_BREAKER_WINDOW_SEC: { default: '3600', about: 'the window those identical amounts are counted in' },
  RISK_BREAKER_COOLDOWN_SEC: { default: '600', about: 'how long the breaker pauses the sender' },
  RISK_GRAB_FAIL_MAX: { default: '30', about: 'failed grabs in a window that cool a user down' },
  RISK_GRAB_FAIL_WINDOW_SEC: { default: '10', about: 'the window those failed grabs are counted in' },
  RISK_GRAB_COOLDOWN_SEC: { default: '30', about: 'how long the grab cooldown lasts' },
  RISK_MAX_ACCOUNTS_PER_DEVICE: {
    default: '3',
    about: 'winners of one packet or rain per device before a flag',
  },
  RISK_MAX_ACCOUNTS_PER_IP: {
    default: '10',
    about: 'winners of one packet or rain per address before a flag',
  },
  RISK_CLUSTER_ENFORCE: {
    default: '0',
    about: "`1` refuses the extra accounts' grabs instead of only flagging",
  },
  TRUSTED_PROXIES: { unset: 'none', about: 'IPs / IPv4 CIDRs whose `X-Forwarded-For` is believed' },
  RISK_BAN_REFRESH_MS: {
    default: '5000',
    about: 'how often each node reloads bans from the store (a backstop for the broadcast)',
  },
  RISK_FLUSH_MS: { default: '200', about: 'how often received fen and winners are written to the store' },
  WEB_DIR: {
    default: 'dist/web',
    about: 'the built page served at `/`, from the working directory (an info page when it is not built)',
  },
  NODE_HEARTBEAT_MS: {
    default: '1000',
    about: 'how often a node renews its liveness in the store and reaps dead nodes',
  },
  NODE_DEAD_AFTER_MS: {
    default: '5000',
    about: 'a node silent this long counts as dead: survivors remove its room members',
  },
  STORE_PROBE_MS: { default: '5000', about: 'how often the store is pinged for `rp_store_up`' },
  AUDIT_INTERVAL_MS: {
    default: '300000',
    about: 'periodic audit for the `rp_audit_*` gauges; `0` = off (O(keys) on Redis)',
  },
} as const satisfies Record<string, EnvVar>;

export type EnvName = keyof typeof ENV_VARS;
/** The variables whose default is a value (read by `read`); the others are read by `readOr`. */
type ValueDefaulted = {
  [K in EnvName]: (typeof ENV_VARS)[K] extends { default: string } ? K : never;
}[EnvName];
type Unset = Exclude<EnvName, ValueDefaulted>;

/** The variable as set; undefined when unset or empty. */
function raw(env: Env, name: EnvName): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

function parse<T>(name: EnvName, schema: z.ZodType<T>, value: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(
      name,
      `invalid value ${JSON.stringify(value)} (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

/** The variable through `schema`; unset, its ENV_VARS default through the same schema. */
function read<T>(env: Env, name: ValueDefaulted, schema: z.ZodType<T>): T {
  return parse(name, schema, raw(env, name) ?? ENV_VARS[name].default);
}

/** The variable through `schema`; unset, `fallback` (what ENV_VARS[name].unset describes). */
function readOr<T>(env: Env, name: Unset, schema: z.ZodType<T>, fallback: T): T {
  const value = raw(env, name);
  return value === undefined ? fallback : parse(name, schema, value);
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
  const secret = raw(env, 'JWT_SECRET');
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  }
  const devMode = !secret;
  const devTokens = readOr(env, 'DEV_TOKENS', flag, devMode);
  const jwtSecret = secret || randomBytes(32).toString('base64url');
  const codeSecret = raw(env, 'CODE_SECRET');
  if (codeSecret !== undefined && codeSecret.length < 16) {
    throw new ConfigError('CODE_SECRET', 'must be at least 16 characters');
  }
  return {
    port: read(env, 'PORT', int(0, 65535)),
    host: read(env, 'HOST', z.string().min(1)),
    nodeId: readOr(
      env,
      'NODE_ID',
      z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -'),
      `node-${randomBytes(3).toString('hex')}`,
    ),
    logLevel: read(env, 'LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
    store: storeConfig(env),
    auth: { jwtSecret, devMode, devTokens },
    wireFormat: read(env, 'WIRE_FORMAT', z.enum(['msgpack', 'json'])),
    transport: read(env, 'TRANSPORT', z.enum(['uws', 'node'])),
    limits: {
      packetMaxTotal: read(env, 'PACKET_MAX_TOTAL', int(1, Number.MAX_SAFE_INTEGER)),
      packetMaxCount: read(env, 'PACKET_MAX_COUNT', int(1, 10_000)),
      packetTtlMs: read(env, 'PACKET_TTL_MS', int(1_000, 30 * 86_400_000)),
      packetMaxOpenDelayMs: read(env, 'PACKET_MAX_OPEN_DELAY_MS', int(0, 30 * 86_400_000)),
      chatHistory: 50,
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
      scanMs: read(env, 'RAIN_SCAN_MS', int(10, 60_000)),
    },
    ws: {
      maxPayloadBytes: read(env, 'WS_MAX_PAYLOAD_BYTES', int(1_024, 16 * 1_048_576)),
      maxBackpressureBytes: read(env, 'WS_MAX_BACKPRESSURE_BYTES', int(16_384, 1_073_741_824)),
      idleTimeoutSec: read(env, 'WS_IDLE_TIMEOUT_SEC', int(8, 960)),
      pingIntervalMs: 25_000,
      pingTimeoutMs: 20_000,
    },
    rateLimit: {
      eventsPerSec: read(env, 'RATE_LIMIT_EVENTS_PER_SEC', int(1, 100_000)),
      eventsBurst: read(env, 'RATE_LIMIT_EVENTS_BURST', int(1, 100_000)),
      chatPerSec: read(env, 'RATE_LIMIT_CHAT_PER_SEC', int(1, 10_000)),
    },
    timers: {
      sweepIntervalMs: read(env, 'SWEEP_INTERVAL_MS', int(10, 3_600_000)),
      reconcileIntervalMs: read(env, 'RECONCILE_INTERVAL_MS', int(10, 3_600_000)),
      reconcileGraceMs: read(env, 'RECONCILE_GRACE_MS', int(0, 3_600_000)),
      presenceIntervalMs: read(env, 'PRESENCE_INTERVAL_MS', int(10, 60_000)),
      grabBatchMs: read(env, 'GRAB_BATCH_MS', int(5, 10_000)),
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
    metricsToken: raw(env, 'METRICS_TOKEN'),
    webDir: resolve(read(env, 'WEB_DIR', z.string().min(1))),
  };
}

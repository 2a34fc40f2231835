/** The typed configuration a node runs with (config.ts loads it from the environment). */
import type { RiskPolicy } from '../domain/risk-rules.js';

/** `keyPrefix` goes in front of every Redis key and pub/sub channel (one per deployment). */
export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; keyPrefix: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; keyPrefix: string };

/** PostgreSQL as the system of record for money (docs/operations.md, "PostgreSQL ledger"). */
export interface LedgerConfig {
  url: string;
  /** Group commit: longest wait for company, ms; rows that send a batch at once. */
  commitDelayMs: number;
  commitMaxRows: number;
  /** Bound on connecting and on each commit, ms. */
  timeoutMs: number;
  poolSize: number;
  /** Restore an emptied Redis from the ledger by itself (restore-watch.ts). */
  autoRestore: boolean;
  /** Balance reconciliation (对账): period (0: off), grace before a difference counts, users kept. */
  reconcileIntervalMs: number;
  reconcileGraceMs: number;
  reconcileMaxUsers: number;
}

export interface Config {
  port: number;
  host: string;
  nodeId: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  store: StoreConfig;
  /** Unset without DATABASE_URL: no PostgreSQL. */
  ledger: LedgerConfig | undefined;
  auth: {
    /** HS256 key. In dev mode a random one made at start. */
    jwtSecret: string;
    /** True when no JWT_SECRET was given. */
    devMode: boolean;
    /** Whether POST /v1/dev/token is served. */
    devTokens: boolean;
    /** Dev tokens on an exposed node (UNSAFE_DEV_TOKENS=1): the start-up log warns. */
    devTokensOverridden: boolean;
    /** The `iss` / `aud` tokens must carry (JWT_ISSUER, JWT_AUDIENCE); undefined: not checked. */
    issuer: string | undefined;
    audience: string | undefined;
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
    /** How long a room's chat history outlives its last line, ms (CHAT_TTL_SEC). */
    chatTtlMs: number;
    /** Rooms one connection may be in at once (ROOMS_PER_SOCKET_MAX). */
    roomsPerSocket: number;
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
    /** After a lottery window closes, how long the driver waits for every node's batch, ms. */
    batchGraceMs: number;
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
    /** Open sockets per client address on this node, counted from the upgrade; 0 = no cap. */
    maxPerIp: number;
    /** Open sockets per user on this node; 0 = no cap. */
    maxPerUser: number;
    /** ms a socket may stay open without an authenticated socket.io CONNECT. */
    handshakeTimeoutMs: number;
    /** ms after a token's expiry (and `auth:expired`) before a socket that did not renew is closed. */
    tokenExpiryGraceMs: number;
  };
  /**
   * Browser origins allowed on the socket handshake and on state-changing HTTP routes:
   * `same-host` (an `Origin` whose host name is the request's `Host`), `any`, or a list of
   * exact origins. A request without `Origin` (not a browser) is always allowed.
   */
  allowedOrigins: 'same-host' | 'any' | string[];
  rateLimit: {
    /** Sustained client→server events per second per socket. */
    eventsPerSec: number;
    /** Burst allowance. */
    eventsBurst: number;
    /** Chat lines per second per socket (burst 5×). */
    chatPerSec: number;
    /** Sustained events per second per user across their sockets on this node, and its burst. */
    userEventsPerSec: number;
    userEventsBurst: number;
    /** HTTP requests per second per client address (0 = off), and the burst. */
    httpIpPerSec: number;
    httpIpBurst: number;
    /** Authenticated HTTP requests per second per user (0 = off), and the burst. */
    httpUserPerSec: number;
    httpUserBurst: number;
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
    /** How often coalesced packet:grabbed batches are broadcast (at most). */
    grabBatchMs: number;
    /** A room's packet:grabbed budget from this node: messages × members a second. */
    grabRoomDeliveriesPerSec: number;
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

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
  HOST: {
    unset: '`127.0.0.1` without `JWT_SECRET` (dev mode), else `0.0.0.0`',
    about: 'listen address; a non-loopback one needs `JWT_SECRET`',
  },
  NODE_ENV: {
    unset: 'unset',
    about:
      '`production` refuses to start without `JWT_SECRET` and `METRICS_TOKEN` and never serves dev tokens',
  },
  REDIS_URL: {
    unset: 'unset → in-memory store, one node',
    about: 'standalone Redis, e.g. `redis://host:6379`',
  },
  REDIS_CLUSTER_NODES: { unset: 'unset', about: '`host:port,…` seeds → Redis Cluster mode (Redis ≥ 7)' },
  REDIS_KEY_PREFIX: {
    unset: 'empty',
    about: 'prefix for every key and pub/sub channel (one per deployment)',
  },
  DATABASE_URL: {
    unset: 'unset → no PostgreSQL: Redis (or memory) alone holds the money, as before',
    about:
      'PostgreSQL, e.g. `postgres://user:pass@host:5432/db` → the system of record for money: migrated at start, and every money step is committed there before it is acknowledged',
  },
  LEDGER_COMMIT_DELAY_MS: {
    default: '2',
    about: 'longest a ledger commit waits for others to share its transaction (group commit)',
  },
  LEDGER_COMMIT_MAX_ROWS: {
    default: '1000',
    about: 'a ledger transaction is sent once it holds this many rows',
  },
  LEDGER_TIMEOUT_MS: {
    default: '1000',
    about: 'bound on connecting and on each ledger commit; past it the request answers `STORE_UNAVAILABLE`',
  },
  LEDGER_POOL_SIZE: { default: '4', about: 'PostgreSQL connections per node' },
  LEDGER_AUTO_RESTORE: {
    default: '1',
    about:
      'with DATABASE_URL: a node that finds Redis emptied (its sentinel gone, no wallets, packets or rains) while PostgreSQL holds entries restores it from the ledger (one node, under the restore marker; the others wait fenced); `0`: they stay fenced until `npm run restore`',
  },
  LEDGER_RECONCILE_INTERVAL_MS: {
    default: '30000',
    about:
      'with DATABASE_URL: how often a node compares the Redis balances of the users its money steps touched with PostgreSQL (对账); `0` turns it off',
  },
  LEDGER_RECONCILE_GRACE_MS: {
    default: '5000',
    about:
      'a balance difference counts as a mismatch only if a second read this much later shows the same difference (steps in flight settle meanwhile)',
  },
  LEDGER_RECONCILE_MAX_USERS: {
    default: '10000',
    about:
      'users a node remembers for its next reconciliation pass; past it the oldest are forgotten (counted)',
  },
  JWT_SECRET: {
    unset: 'unset → dev mode',
    about:
      'HS256 secret, ≥ 16 characters; unset makes a random one at start, which only a loopback, memory-store, non-production node may do',
  },
  DEV_TOKENS: {
    unset: 'on in dev mode only',
    about:
      '`1` enables `POST /v1/dev/token` with a secret set, `0` disables it; never in production, and with Redis or a non-loopback `HOST` only with `UNSAFE_DEV_TOKENS=1`',
  },
  JWT_ISSUER: {
    unset: 'unset (any `iss`)',
    about: 'when set, every token must carry this `iss` (and signed ones get it)',
  },
  JWT_AUDIENCE: {
    unset: 'unset (any `aud`)',
    about: 'when set, every token’s `aud` must name this audience (and signed ones get it)',
  },
  UNSAFE_DEV_TOKENS: {
    unset: 'off',
    about:
      '`1` allows dev tokens on a Redis store or a non-loopback `HOST` (test deployments; logged as a warning)',
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
  RAIN_BATCH_GRACE_MS: {
    default: '1000',
    about:
      "how long after a lottery window closes the driver draws: every node's ticket batch (handed in at the close, on its next tick) must land within it",
  },
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
  ROOMS_PER_SOCKET_MAX: {
    default: '20',
    about: 'rooms one connection may be in at once; one more `room:join` is `LIMIT_EXCEEDED`',
  },
  CHAT_TTL_SEC: {
    default: '86400',
    about: "a room's chat history is forgotten this long after its last line (each line renews it)",
  },
  RATE_LIMIT_USER_PER_SEC: {
    default: '100',
    about: "sustained client→server events per second per user, across all of the user's sockets on a node",
  },
  RATE_LIMIT_USER_BURST: { default: '200', about: 'burst allowance of those per-user events' },
  RATE_LIMIT_HTTP_IP_PER_SEC: {
    default: '50',
    about: 'HTTP requests per second per client address (`TRUSTED_PROXIES` honoured), `0`: no limit',
  },
  RATE_LIMIT_HTTP_IP_BURST: { default: '100', about: 'burst allowance of those per-address requests' },
  RATE_LIMIT_HTTP_USER_PER_SEC: {
    default: '20',
    about: 'authenticated HTTP requests per second per user, `0`: no limit',
  },
  RATE_LIMIT_HTTP_USER_BURST: { default: '40', about: 'burst allowance of those per-user requests' },
  WS_MAX_PER_IP: {
    default: '200',
    about:
      'open sockets per client address on a node, from the upgrade (`TRUSTED_PROXIES` honoured), `0`: no cap',
  },
  WS_MAX_PER_USER: { default: '10', about: 'open sockets per user on a node, `0`: no cap' },
  WS_HANDSHAKE_TIMEOUT_MS: {
    default: '10000',
    about: 'how long a socket may stay open without completing an authenticated socket.io CONNECT',
  },
  ALLOWED_ORIGINS: {
    unset: 'same host name as the request, or no `Origin`',
    about:
      'browser origins (`https://a.example,…`; `*`: any) allowed on the socket handshake and on POST/DELETE; no `Origin` (not a browser) is always allowed',
  },
  TOKEN_EXPIRY_GRACE_MS: {
    default: '30000',
    about:
      'a socket whose token expired gets `auth:expired` and is closed this long after unless `auth:refresh` renews it',
  },
  SWEEP_INTERVAL_MS: { default: '1000', about: 'how often expired packets are refunded' },
  RECONCILE_INTERVAL_MS: { default: '5000', about: 'how often half-done money moves are looked for' },
  RECONCILE_GRACE_MS: {
    default: '10000',
    about: 'how old a half-done money move must be before the reconciler finishes it',
  },
  PRESENCE_INTERVAL_MS: { default: '1000', about: 'how often member counts are broadcast (coalesced)' },
  GRAB_BATCH_MS: {
    default: '50',
    about: 'how often grabs are broadcast, coalesced per room, as `packet:grabbed` (at most)',
  },
  GRAB_ROOM_DELIVERIES_PER_SEC: {
    default: '50000',
    about:
      "a room's `packet:grabbed` budget from one node, in deliveries (messages × members) a second: a crowded room gets fewer, larger batches (50,000 members: one a second)",
  },
  STORE_START_WAIT_MS: {
    default: '5000',
    about: 'how long start-up waits for Redis before listening anyway (not ready until it answers)',
  },
  METRICS_TOKEN: {
    unset: 'unset (required with `NODE_ENV=production`)',
    about: 'bearer token required by `GET /metrics` when set',
  },
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
export type ValueDefaulted = {
  [K in EnvName]: (typeof ENV_VARS)[K] extends { default: string } ? K : never;
}[EnvName];
export type Unset = Exclude<EnvName, ValueDefaulted>;

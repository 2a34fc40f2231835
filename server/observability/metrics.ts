/**
 * Prometheus metrics for one node, on a registry of its own (so several servers can live in
 * one test process). Served as text at GET /metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly connections = new Gauge({
    name: 'rp_connections',
    help: 'Open socket.io connections on this node',
    registers: [this.registry],
  });

  // ── limits of a public endpoint (README, "Security") ──────────────────────────────────

  readonly connectionsRefused = new Counter({
    name: 'rp_connections_refused_total',
    help: 'Sockets refused or closed by a limit, by reason: origin, ip_cap, user_cap, handshake_timeout, token_expired',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'rp_rate_limited_total',
    help: 'Requests answered RATE_LIMITED, by scope: http_ip, http_user, events_socket, events_user',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });

  readonly originRefused = new Counter({
    name: 'rp_http_origin_refused_total',
    help: 'HTTP requests refused because their browser Origin is not allowed (ALLOWED_ORIGINS)',
    registers: [this.registry],
  });

  /**
   * Events answered ok since the last scrape, by event name: `eventOk` only tallies here (a Map
   * update per event instead of prom-client's label validation and hashing), and the counter
   * takes the tallies when it is read (its `collect`).
   */
  private readonly okTally = new Map<string, number>();

  readonly events: Counter<'event' | 'outcome'> = new Counter({
    name: 'rp_events_total',
    help: 'Client→server events handled, by event name and outcome (ok or error code)',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [event, n] of this.okTally) this.events.inc({ event, outcome: 'ok' }, n);
      this.okTally.clear();
    },
  });

  /** One event answered ok (rp_events_total{outcome="ok"}, settled when read). */
  eventOk(event: string): void {
    this.okTally.set(event, (this.okTally.get(event) ?? 0) + 1);
  }

  readonly errors = new Counter({
    name: 'rp_errors_total',
    help: 'Error answers (socket acks and HTTP), by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly grabLatency = new Histogram({
    name: 'rp_grab_duration_seconds',
    help: 'Time to resolve a packet grab on the server, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'rp_http_requests_total',
    help: 'HTTP requests, by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  readonly reconciled = new Counter({
    name: 'rp_reconciled_total',
    help: 'Half-done money moves finished by the reconciler, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly expired = new Counter({
    name: 'rp_packets_expired_total',
    help: 'Packets expired by the sweeper',
    registers: [this.registry],
  });

  readonly dropsReleased = new Counter({
    name: 'rp_rain_drops_released_total',
    help: 'Rain drops released by this node',
    registers: [this.registry],
  });

  readonly lotteryDraws = new Counter({
    name: 'rp_rain_lottery_draws_total',
    help: 'Lottery drop windows drawn by this node',
    registers: [this.registry],
  });

  readonly rainGrabs = new Counter({
    name: 'rp_rain_grabs_total',
    help: 'Drop grabs handled by this node, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly releaseLag = new Histogram({
    name: 'rp_rain_release_lag_seconds',
    help: 'Actual minus scheduled release time of each drop',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly dropGrabLatency = new Histogram({
    name: 'rp_drop_grab_duration_seconds',
    help: 'Time to resolve a drop grab on the server, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  // ── operations: store health, the periodic audit, the reconciler's backlog ─────────────
  // Cheap to keep: one ping and one reconciler pass per interval; the audit is O(keys) and
  // runs only every AUDIT_INTERVAL_MS (0 turns it off). Alert rules: deploy/prometheus/.

  readonly storeUp = new Gauge({
    name: 'rp_store_up',
    help: '1 when the store answered the last health probe (STORE_PROBE_MS), else 0',
    registers: [this.registry],
  });

  readonly storeProbeLatency = new Histogram({
    name: 'rp_store_probe_duration_seconds',
    help: 'Time the store took to answer a health probe (a ping)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly redisErrors = new Counter({
    name: 'rp_redis_errors_total',
    help: 'Errors reported by Redis clients (connection lost, refused, reset), by client',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly reconcilerBacklog = new Gauge({
    name: 'rp_reconciler_backlog',
    help: 'Half-done money moves older than the grace period found by the last reconciler pass, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly auditDifference = new Gauge({
    name: 'rp_audit_difference_fen',
    help: 'minted − (wallets + escrow + in flight) at the last periodic audit (0 when balanced)',
    registers: [this.registry],
  });

  readonly auditDoubleClaims = new Gauge({
    name: 'rp_audit_double_claims',
    help: '(packet, user) or (drop, user) pairs paid more than once, at the last periodic audit',
    registers: [this.registry],
  });

  readonly auditLedgerMismatches = new Gauge({
    name: 'rp_audit_ledger_mismatches',
    help: 'Wallets whose balance differs from their ledger, at the last periodic audit',
    registers: [this.registry],
  });

  readonly auditMinted = new Gauge({
    name: 'rp_audit_minted_fen',
    help: 'All money ever minted, at the last periodic audit',
    registers: [this.registry],
  });

  readonly auditEscrow = new Gauge({
    name: 'rp_audit_escrow_fen',
    help: 'Money in open packets and rains, at the last periodic audit',
    registers: [this.registry],
  });

  readonly auditLastRun = new Gauge({
    name: 'rp_audit_last_run_timestamp_seconds',
    help: 'When the last periodic audit finished (unix seconds; 0 before the first)',
    registers: [this.registry],
  });

  readonly auditDuration = new Histogram({
    name: 'rp_audit_duration_seconds',
    help: 'Time a periodic audit took',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly adapterPublishFailures = new Counter({
    name: 'rp_adapter_publish_failures_total',
    help: 'Broadcasts that could not be published to the other nodes (Redis away) and were dropped',
    registers: [this.registry],
  });

  readonly ledgerUp = new Gauge({
    name: 'rp_ledger_up',
    help: 'Whether the last PostgreSQL ledger commit succeeded (1) or failed (0); absent without DATABASE_URL',
    registers: [this.registry],
  });

  readonly ledgerBacklog = new Gauge({
    name: 'rp_ledger_backlog',
    help: 'Money steps done in Redis whose ledger rows wait to be committed again (PostgreSQL was away)',
    registers: [this.registry],
  });

  readonly ledgerRestoring = new Gauge({
    name: 'rp_ledger_restoring',
    help: 'Whether this node is fenced (1) because Redis is being restored from the ledger or lost its dataset',
    registers: [this.registry],
  });

  readonly reconcileMismatches = new Gauge({
    name: 'rp_ledger_reconcile_mismatches',
    help: 'Wallets whose Redis balance differed from PostgreSQL by the same amount on two reads a grace apart, at the last reconciliation pass',
    registers: [this.registry],
  });

  readonly reconcileRuns = new Counter({
    name: 'rp_ledger_reconcile_runs_total',
    help: 'Balance reconciliation passes (Redis against PostgreSQL), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly ledgerCommit = new Histogram({
    name: 'rp_ledger_commit_seconds',
    help: 'Time from a money step asking to commit its ledger rows to their commit, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(nodeId: string) {
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry });
  }
}

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

  readonly events = new Counter({
    name: 'rp_events_total',
    help: 'Client→server events handled, by event name and outcome (ok or error code)',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

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

  readonly adapterPublishFailures = new Counter({
    name: 'rp_adapter_publish_failures_total',
    help: 'Broadcasts that could not be published to the other nodes (Redis away) and were dropped',
    registers: [this.registry],
  });

  constructor(nodeId: string) {
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry });
  }
}

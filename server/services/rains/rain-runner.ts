/**
 * Drives rains: exactly one node releases a rain's drops, holding a lease in the store.
 *
 *   every tick (RAIN_TICK_MS)             every scan (RAIN_SCAN_MS)
 *   ─────────────────────────             ─────────────────────────
 *   hand in this node's due lottery batches (one store call per drop; every node)
 *   for each rain this node drives:        for each active rain not driven here:
 *     due = timeline drops whose time        try to take its lease (free or expired)
 *           has come, from the cursor
 *     releaseDrops(cursor, due)  ── fenced by lease + cursor: each drop at most once
 *     → one rain:drops per rain per tick    ── the release also renews the lease
 *     → rain:started when it starts
 *     lottery: draw each drop once its window + RAIN_BATCH_GRACE_MS has passed
 *     after the last window: endRain → rain:ended, refund the rest
 *   flush rain:gone batches
 *
 * If the driver dies its lease lapses (RAIN_LEASE_TTL_MS) and another node's scan takes it,
 * continuing from the recorded cursor: late drops are released at once, none twice. On a
 * graceful stop the driver hands its leases back so the takeover is immediate.
 */
import type { Clock } from '../../domain/clock.js';
import { dueDrops } from '../../domain/rain-timeline.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RainRecord, Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { GoneBatcher } from './gone-batcher.js';
import type { RainService } from './rain-service.js';
import { dropView } from './rain-views.js';

export interface RainRunnerOptions {
  nodeId: string;
  /** How long a lease lasts without renewal, ms. @default 3000 */
  leaseTtlMs: number;
  /** How often this node looks for rains without a live driver, ms. @default 500 */
  scanMs: number;
  /** How long after a lottery window closes the draw waits for the nodes' batches, ms. */
  batchGraceMs: number;
}

interface Driven {
  rain: RainRecord;
  /** When this node last renewed the lease. */
  renewedAt: number;
  /** Lottery: when the next drop may be drawn (its close plus the grace; 0: not known yet). */
  nextDrawAt: number;
}

export class RainRunner {
  private readonly driving = new Map<string, Driven>();
  private lastScan = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly rains: RainService,
    private readonly broadcaster: Broadcaster,
    private readonly gone: GoneBatcher,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: RainRunnerOptions,
  ) {}

  /** Rains this node drives now. */
  get driven(): string[] {
    return [...this.driving.keys()];
  }

  /** One tick: pick up ownerless rains (every scanMs), advance each driven rain, flush gone. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastScan >= this.options.scanMs) {
      this.lastScan = now;
      await this.scan(now);
    }
    await this.rains.handInBatches(now);
    await Promise.all([...this.driving.values()].map((d) => this.advance(d)));
    await this.rains.pollDraws(now);
    this.gone.flush();
  }

  /** Looks for active rains this node does not drive and takes any whose lease is free. */
  async scan(now = this.clock.now()): Promise<void> {
    for (const rainId of await this.store.rains.listActiveRains(1_000)) {
      if (this.driving.has(rainId)) continue;
      const lease = await this.store.rains.acquireRainLease(
        rainId,
        this.options.nodeId,
        now,
        this.options.leaseTtlMs,
      );
      if (lease.acquired) {
        this.log.info({ rainId, released: lease.rain.released }, 'driving rain');
        this.driving.set(rainId, { rain: lease.rain, renewedAt: now, nextDrawAt: 0 });
      }
    }
  }

  /**
   * Gives every lease back (graceful shutdown) so other nodes take over at once, after handing
   * in this node's lottery batches.
   */
  async handOver(): Promise<void> {
    // Tickets held here go in now: this node takes no more taps (its batches are complete).
    await this.rains.handInBatches(Number.POSITIVE_INFINITY).catch(() => undefined);
    const ids = [...this.driving.keys()];
    this.driving.clear();
    await Promise.all(ids.map((id) => this.store.rains.releaseRainLease(id, this.options.nodeId)));
    if (ids.length > 0) this.log.info({ rains: ids }, 'handed rain leases back');
  }

  private async advance(d: Driven): Promise<void> {
    const { rain } = d;
    const now = this.clock.now();
    const timeline = this.rains.timeline(rain);
    const due = dueDrops(timeline, rain.released, rain.startAt, now);
    const starting = rain.status === 'scheduled' && now >= rain.startAt;
    const renewDue = now - d.renewedAt >= this.options.leaseTtlMs / 3;
    if (due.length > 0 || starting || renewDue) {
      const result = await this.store.rains.releaseDrops(
        rain.id,
        this.options.nodeId,
        rain.released,
        due.map((p) => p.dropId),
        now,
        this.options.leaseTtlMs,
      );
      if (!result.ok) {
        this.log.warn({ rainId: rain.id, reason: result.reason }, 'stopped driving rain');
        this.driving.delete(rain.id);
        return;
      }
      d.renewedAt = now;
      if (starting) rain.status = 'running';
      if (result.started) {
        this.broadcaster.toRoom(rain.roomId, 'rain:started', {
          rainId: rain.id,
          roomId: rain.roomId,
          serverTime: now,
        });
      }
      if (due.length > 0) {
        rain.released += due.length;
        rain.lastReleaseAt = now;
        this.rains.learnReleased(
          rain,
          due.map((p) => p.dropId),
          now,
        );
        this.broadcaster.toRoom(rain.roomId, 'rain:drops', {
          rainId: rain.id,
          serverTime: now,
          drops: due.map((p) => dropView(p, rain.sharesPerDrop, rain.dropTtlMs)),
        });
        this.metrics.dropsReleased.inc(due.length);
        for (const p of due) this.metrics.releaseLag.observe((now - (rain.startAt + p.offsetMs)) / 1000);
      }
    }
    if (rain.mode === 'lottery' && !(await this.drawClosedWindows(d, now))) return;
    const drawnAll = rain.mode !== 'lottery' || rain.drawn >= rain.drops;
    if (rain.released >= rain.drops && now >= rain.lastReleaseAt + rain.dropTtlMs && drawnAll) {
      const outcome = await this.store.rains.endRain(rain.id, now, 'finished');
      this.driving.delete(rain.id);
      if (outcome.status === 'ended') await this.rains.finish(outcome);
    }
  }

  /**
   * Draws every released lottery drop whose window and grace have passed, in order, each fenced
   * by the lease and the draw cursor (lottery-store.ts drawDrop). False if the lease is gone.
   */
  private async drawClosedWindows(d: Driven, now: number): Promise<boolean> {
    const { rain } = d;
    const timeline = this.rains.timeline(rain);
    while (rain.drawn < rain.released && now >= d.nextDrawAt) {
      const plan = timeline[rain.drawn];
      if (!plan) break;
      // The store walks the candidates the nodes handed in and pays (drawDrop).
      const result = await this.store.lottery.drawDrop(
        rain.id,
        this.options.nodeId,
        rain.drawn,
        plan.dropId,
        this.options.batchGraceMs,
        now,
      );
      if (!result.ok) {
        if (result.reason === 'not-closed') {
          d.nextDrawAt = result.drawAt;
          break;
        }
        this.log.warn({ rainId: rain.id, reason: result.reason }, 'stopped driving rain');
        this.driving.delete(rain.id);
        return false;
      }
      rain.drawn += 1;
      d.nextDrawAt = 0;
      this.metrics.lotteryDraws.inc();
      await this.rains.payDraw(rain, plan.dropId, result.credits, result.dropLeft);
    }
    return true;
  }
}

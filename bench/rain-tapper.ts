/**
 * A generator thread's viewers in a rain (bench/rain-scenarios.ts): every client taps every
 * drop it is shown, `tapsPerDrop` times, the first tap at a random moment inside the drop's
 * lottery window (after the reaction floor, as a person would), the next ones 1/maxTapsPerSec
 * apart. Counts what the acks say; keeps the tap → ack lag (a lottery ticket's ack waits for
 * the draw, so its lag includes the window).
 */
import { LagHistogram } from './histogram.js';
import type { WireClient } from './wire-client.js';

export interface RainPlan {
  rainId: string;
  tapsPerDrop: number;
  /** The rain's reaction floor and window, ms: the first tap lands uniformly in the window. */
  reactionFloorMs: number;
  windowMs: number;
  /** Spacing of a viewer's later taps on one drop, ms. */
  tapGapMs: number;
}

export interface RainTally {
  taps: number;
  wins: number;
  fen: number;
  /** Refusals by error code. */
  refused: Record<string, number>;
  /** `rain:drops` messages received (one per tick per viewer). */
  dropMessages: number;
  lags: number[];
}

export class RainTapper {
  private readonly pending: Promise<void>[] = [];
  private readonly lags = new LagHistogram();
  private readonly offs: (() => void)[] = [];
  private readonly tally: Omit<RainTally, 'lags'> = {
    taps: 0,
    wins: 0,
    fen: 0,
    refused: {},
    dropMessages: 0,
  };

  constructor(
    clients: readonly WireClient[],
    private readonly plan: RainPlan,
  ) {
    for (const c of clients) {
      this.offs.push(
        c.on('rain:drops', (event) => {
          if (event.rainId !== plan.rainId) return;
          this.tally.dropMessages += 1;
          for (const drop of event.drops as { dropId: string }[]) this.schedule(c, drop.dropId);
        }),
      );
    }
  }

  private schedule(c: WireClient, dropId: string): void {
    const first = this.plan.reactionFloorMs + 10 + Math.random() * this.plan.windowMs * 0.8;
    for (let k = 0; k < this.plan.tapsPerDrop; k++) {
      this.pending.push(
        new Promise<void>((resolve) => {
          setTimeout(
            () => {
              this.tap(c, dropId).then(resolve, resolve);
            },
            first + k * this.plan.tapGapMs,
          );
        }),
      );
    }
  }

  private async tap(c: WireClient, dropId: string): Promise<void> {
    const t = performance.now();
    this.tally.taps += 1;
    const ack = await c.request('drop:grab', { rainId: this.plan.rainId, dropId });
    this.lags.add(performance.now() - t);
    if (ack.ok) {
      this.tally.wins += 1;
      this.tally.fen += Number(ack.amount ?? 0);
    } else {
      const code = (ack.error as { code?: string } | undefined)?.code ?? 'ERROR';
      this.tally.refused[code] = (this.tally.refused[code] ?? 0) + 1;
    }
  }

  /** Once every tap scheduled so far is answered: the tally, and the listeners removed. */
  async result(): Promise<RainTally> {
    // A tap scheduled while waiting joins `pending`: wait until the list stops growing.
    for (let seen = -1; seen !== this.pending.length;) {
      seen = this.pending.length;
      await Promise.all(this.pending);
    }
    for (const off of this.offs.splice(0)) off();
    return { ...this.tally, lags: this.lags.toArray() };
  }
}

/**
 * Estimates the offset between the server's clock and this one from `time:sync` round trips.
 * Each sample assumes the server read its clock half-way through the round trip; the estimate
 * is the median offset of the lowest-RTT samples, which are the least distorted by queueing.
 */
export interface ClockSample {
  /** serverTime + rtt/2 − local receive time, ms. */
  offset: number;
  rtt: number;
}

export class ClockSync {
  private samples: ClockSample[] = [];

  /**
   * @param keep how many samples to remember (oldest dropped first)
   * @param best how many of the lowest-RTT samples the estimate uses
   */
  constructor(
    private readonly keep = 16,
    private readonly best = 3,
  ) {}

  /** Records one round trip: local send time, server's reported time, local receive time. */
  add(sentAt: number, serverTime: number, receivedAt: number): ClockSample {
    const rtt = Math.max(0, receivedAt - sentAt);
    const sample = { offset: serverTime + rtt / 2 - receivedAt, rtt };
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
    return sample;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** Server time minus local time, ms; 0 before any sample. */
  get offset(): number {
    if (this.samples.length === 0) return 0;
    const lowest = [...this.samples].sort((a, b) => a.rtt - b.rtt).slice(0, this.best);
    const offsets = lowest.map((s) => s.offset).sort((a, b) => a - b);
    const upper = offsets[Math.floor(offsets.length / 2)] ?? 0;
    const lower = offsets[Math.ceil(offsets.length / 2) - 1] ?? upper;
    return Math.round((lower + upper) / 2);
  }

  /** The lowest RTT seen, ms (Infinity before any sample). */
  get bestRtt(): number {
    return this.samples.reduce((min, s) => Math.min(min, s.rtt), Infinity);
  }
}

/**
 * Latencies in 0.1 ms buckets up to 60 s (later ones land in the last bucket): adding one is
 * an array increment, and threads send the counts, not every sample, to the orchestrator.
 */
const BUCKET_MS = 0.1;
const BUCKETS = 600_000;

export class LagHistogram {
  private readonly counts = new Uint32Array(BUCKETS);

  add(ms: number): void {
    const i = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  /** Sparse form for postMessage: [bucket, count, bucket, count, …]. */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) out.push(i, this.counts[i] ?? 0);
    return out;
  }
}

/** The p-th percentile (0–100) of several sparse histograms together, in ms. */
export function percentile(sparse: number[][], p: number): number {
  const merged = new Map<number, number>();
  let total = 0;
  for (const s of sparse) {
    for (let i = 0; i < s.length; i += 2) {
      const bucket = s[i] ?? 0;
      const count = s[i + 1] ?? 0;
      merged.set(bucket, (merged.get(bucket) ?? 0) + count);
      total += count;
    }
  }
  if (total === 0) return NaN;
  const rank = Math.min(total - 1, Math.floor((p / 100) * total));
  let seen = 0;
  for (const bucket of [...merged.keys()].sort((a, b) => a - b)) {
    seen += merged.get(bucket) ?? 0;
    if (seen > rank) return (bucket + 0.5) * BUCKET_MS;
  }
  return NaN;
}

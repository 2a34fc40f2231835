/**
 * Health probe of the store for operators: pings it every STORE_PROBE_MS and exports
 * `rp_store_up` (1/0) and the ping latency. Never throws: a failed or slow ping is a 0.
 */
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';

export class StoreProbe {
  /** @param timeoutMs a ping slower than this counts as down @default 1000 */
  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
    private readonly timeoutMs = 1000,
  ) {}

  async probe(): Promise<boolean> {
    const end = this.metrics.storeProbeLatency.startTimer();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.timeoutMs);
    });
    const ping = this.store.ping().then(
      () => true,
      () => false,
    );
    const up = await Promise.race([ping, timeout]);
    clearTimeout(timer);
    end();
    this.metrics.storeUp.set(up ? 1 : 0);
    return up;
  }
}

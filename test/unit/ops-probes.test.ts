/** The store and audit probes publish what operators alert on (deploy/prometheus/alerts.yml). */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/domain/clock.js';
import { Metrics } from '../../server/observability/metrics.js';
import { AuditProbe } from '../../server/services/money/audit-probe.js';
import { StoreProbe } from '../../server/services/runtime/store-probe.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/store.js';

async function sample(metrics: Metrics, name: string): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values[0]?.value;
}

describe('StoreProbe', () => {
  it('reports 1 while the store answers and 0 when it fails or hangs', async () => {
    const metrics = new Metrics('probe-test');
    const store = new MemoryStore();
    expect(await new StoreProbe(store, metrics).probe()).toBe(true);
    expect(await sample(metrics, 'rp_store_up')).toBe(1);

    const failing = { ping: () => Promise.reject(new Error('down')) } as unknown as Store;
    expect(await new StoreProbe(failing, metrics).probe()).toBe(false);
    expect(await sample(metrics, 'rp_store_up')).toBe(0);

    const hanging = { ping: () => new Promise<void>(() => undefined) } as unknown as Store;
    expect(await new StoreProbe(hanging, metrics, 20).probe()).toBe(false);
    expect(await sample(metrics, 'rp_store_up')).toBe(0);
  });
});

describe('AuditProbe', () => {
  it('publishes the last audit and when it ran', async () => {
    const metrics = new Metrics('audit-test');
    const store = new MemoryStore();
    const clock = new ManualClock(1_700_000_000_000);
    await store.wallets.mint('someone', 1234, 'mint-1', clock.now());
    const report = await new AuditProbe(store, clock, metrics).run();
    expect(report).toMatchObject({ balanced: true, minted: 1234 });
    expect(await sample(metrics, 'rp_audit_difference_fen')).toBe(0);
    expect(await sample(metrics, 'rp_audit_double_claims')).toBe(0);
    expect(await sample(metrics, 'rp_audit_minted_fen')).toBe(1234);
    expect(await sample(metrics, 'rp_audit_last_run_timestamp_seconds')).toBe(1_700_000_000);
  });
});

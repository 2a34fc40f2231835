import { describe, expect, it } from 'vitest';
import { Metrics } from '../../server/observability/metrics.js';

/** The sample line of one event and outcome (the registry adds its default labels after them). */
const line = (event: string, outcome: string, n: number): RegExp =>
  new RegExp(`rp_events_total\\{event="${event}",outcome="${outcome}"[^}]*\\} ${n}$`, 'm');

describe('rp_events_total ok tallies (Metrics.eventOk)', () => {
  it('shows every ok event when read, and keeps counting after a read', async () => {
    const metrics = new Metrics('tally-test');
    metrics.eventOk('time:sync');
    metrics.eventOk('time:sync');
    metrics.eventOk('packet:grab');
    metrics.events.inc({ event: 'packet:grab', outcome: 'PACKET_EMPTY' });
    const first = await metrics.registry.getSingleMetricAsString('rp_events_total');
    expect(first).toMatch(line('time:sync', 'ok', 2));
    expect(first).toMatch(line('packet:grab', 'ok', 1));
    expect(first).toMatch(line('packet:grab', 'PACKET_EMPTY', 1));
    metrics.eventOk('time:sync');
    const second = await metrics.registry.getSingleMetricAsString('rp_events_total');
    expect(second).toMatch(line('time:sync', 'ok', 3));
  });
});

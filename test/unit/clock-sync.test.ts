import { describe, expect, it } from 'vitest';
import { ClockSync } from '@red-packet/sdk/clock-sync';

describe('ClockSync', () => {
  it('is 0 before any sample', () => {
    expect(new ClockSync().offset).toBe(0);
  });

  it('estimates from the lowest-RTT samples, ignoring slow outliers', () => {
    const c = new ClockSync(16, 3);
    // true offset +5000 ms; fast samples are symmetric, slow ones were queued on the way back
    c.add(1000, 6010, 1020); // rtt 20 → 6010 + 10 − 1020 = 5000
    c.add(2000, 7010, 2020); // 5000
    c.add(3000, 8011, 3020); // 5001
    c.add(4000, 9010, 4400); // rtt 400, skewed → 4810
    c.add(5000, 10010, 5600); // rtt 600 → 4710
    expect(c.offset).toBe(5000);
    expect(c.bestRtt).toBe(20);
  });

  it('forgets the oldest samples beyond `keep`', () => {
    const c = new ClockSync(2, 2);
    c.add(0, 100, 0);
    c.add(0, 200, 0);
    c.add(0, 300, 0);
    expect(c.sampleCount).toBe(2);
    expect(c.offset).toBe(250);
  });
});

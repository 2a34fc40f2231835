import { describe, expect, it } from 'vitest';
import { CoalescedLoads } from '../../server/services/rooms/coalesced-loads.js';

/** A read the test settles by hand; `started` counts reads begun per key. */
function manualReads(): {
  loads: CoalescedLoads<string>;
  started: string[];
  settle: (i: number, value: string | Error) => Promise<void>;
} {
  const started: string[] = [];
  const settlers: ((v: string | Error) => void)[] = [];
  const loads = new CoalescedLoads<string>((key) => {
    started.push(key);
    return new Promise<string>((resolve, reject) => {
      settlers.push((v) => (v instanceof Error ? reject(v) : resolve(v)));
    });
  });
  const settle = async (i: number, value: string | Error): Promise<void> => {
    settlers[i]?.(value);
    // Let the settled read's callbacks (and the next read's start) run.
    for (let k = 0; k < 5; k++) await Promise.resolve();
  };
  return { loads, started, settle };
}

describe('CoalescedLoads', () => {
  it('shares one read among the callers that arrive while another read is in flight', async () => {
    const { loads, started, settle } = manualReads();
    const first = loads.load('room');
    const queued = [loads.load('room'), loads.load('room'), loads.load('room')];
    expect(started).toEqual(['room']); // the queued callers wait: the first read began before them
    await settle(0, 'v1');
    expect(await first).toBe('v1');
    expect(started).toEqual(['room', 'room']); // one more read, shared by the three
    await settle(1, 'v2');
    expect(await Promise.all(queued)).toEqual(['v2', 'v2', 'v2']);
  });

  it('never answers a caller with a read that started before it asked', async () => {
    const { loads, started, settle } = manualReads();
    const a = loads.load('room');
    const b = loads.load('room'); // arrives during read 1
    await settle(0, 'read 1');
    const c = loads.load('room'); // arrives during read 2 (which began before it)
    expect(started.length).toBe(2);
    await settle(1, 'read 2');
    await settle(2, 'read 3');
    expect([await a, await b, await c]).toEqual(['read 1', 'read 2', 'read 3']);
  });

  it('keeps keys apart and starts afresh once idle', async () => {
    const { loads, started, settle } = manualReads();
    const x = loads.load('x');
    const y = loads.load('y');
    expect(started).toEqual(['x', 'y']);
    await settle(0, 'x1');
    await settle(1, 'y1');
    expect([await x, await y]).toEqual(['x1', 'y1']);
    const again = loads.load('x');
    expect(started).toEqual(['x', 'y', 'x']);
    await settle(2, 'x2');
    expect(await again).toBe('x2');
  });

  it('fails the callers of a failed read only, and the next read still runs', async () => {
    const { loads, settle } = manualReads();
    const first = loads.load('room');
    const second = loads.load('room');
    const firstFailed = expect(first).rejects.toThrow('store down');
    await settle(0, new Error('store down'));
    await firstFailed;
    await settle(1, 'back');
    expect(await second).toBe('back');
  });

  it('turns a read that throws synchronously into a rejection', async () => {
    const loads = new CoalescedLoads<string>(() => {
      throw new Error('bad key');
    });
    await expect(loads.load('k')).rejects.toThrow('bad key');
    await expect(loads.load('k')).rejects.toThrow('bad key');
  });
});

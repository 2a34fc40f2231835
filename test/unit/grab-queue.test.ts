import { describe, expect, it } from 'vitest';
import { GameError } from '../../server/domain/errors.js';
import { GrabQueue } from '../../server/services/packets/grab-queue.js';
import type { ExhaustedReason } from '../../server/services/packets/packet-facts.js';

interface Result {
  remaining: number;
}

/** A grab the test answers by hand; `started` says whether the queue let it reach the "store". */
function manualGrab() {
  let answer: (r: Result) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const grab = {
    started: false,
    run: (): Promise<Result> => {
      grab.started = true;
      return new Promise<Result>((resolve, reject) => {
        answer = resolve;
        fail = reject;
      });
    },
    answer: (remaining: number) => answer({ remaining }),
    fail: (e: unknown) => fail(e),
  };
  return grab;
}

const closedBy = (err: unknown): ExhaustedReason | undefined =>
  err instanceof GameError && (err.code === 'PACKET_EMPTY' || err.code === 'PACKET_EXPIRED')
    ? err.code
    : undefined;

/** Lets every settled promise's callbacks run. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function race(queue: GrabQueue, shares: number | undefined, n: number) {
  const grabs = Array.from({ length: n }, manualGrab);
  const outcomes = grabs.map((g) =>
    queue
      .run('pk', shares, g.run, (r) => r.remaining, closedBy)
      .then(
        (r) => ({ ok: true as const, remaining: r.remaining }),
        (e: unknown) => ({ ok: false as const, code: e instanceof GameError ? e.code : String(e) }),
      ),
  );
  return { grabs, outcomes };
}

describe('GrabQueue: no more grabs of a packet in flight than it has shares left', () => {
  it('lets the packet’s share count through, and answers the rest the moment it is empty', async () => {
    const queue = new GrabQueue();
    const { grabs, outcomes } = race(queue, 2, 5);
    await tick();
    expect(grabs.map((g) => g.started)).toEqual([true, true, false, false, false]);
    expect(queue.waiting).toBe(3);

    grabs[0]!.answer(1); // one left, one in flight: nobody else may go
    await tick();
    expect(grabs.filter((g) => g.started)).toHaveLength(2);

    grabs[1]!.answer(0); // empty: the three waiting are answered without reaching the store
    expect(await Promise.all(outcomes)).toEqual([
      { ok: true, remaining: 1 },
      { ok: true, remaining: 0 },
      { ok: false, code: 'PACKET_EMPTY' },
      { ok: false, code: 'PACKET_EMPTY' },
      { ok: false, code: 'PACKET_EMPTY' },
    ]);
    expect(grabs.filter((g) => g.started)).toHaveLength(2);
    expect(queue.waiting).toBe(0);
  });

  it('a grab refused for its own reason frees its place for the next in line', async () => {
    const queue = new GrabQueue();
    const { grabs, outcomes } = race(queue, 1, 3);
    await tick();
    grabs[0]!.fail(new GameError('ALREADY_GRABBED', 'already'));
    await tick();
    expect(grabs.map((g) => g.started)).toEqual([true, true, false]);
    grabs[1]!.answer(0);
    expect((await Promise.all(outcomes)).map((o) => (o.ok ? 'ok' : o.code))).toEqual([
      'ALREADY_GRABBED',
      'ok',
      'PACKET_EMPTY',
    ]);
  });

  it('a grab that finds the packet expired refuses everyone waiting with PACKET_EXPIRED', async () => {
    const queue = new GrabQueue();
    const { grabs, outcomes } = race(queue, 1, 3);
    await tick();
    grabs[0]!.fail(new GameError('PACKET_EXPIRED', 'expired'));
    expect((await Promise.all(outcomes)).map((o) => (o.ok ? 'ok' : o.code))).toEqual([
      'PACKET_EXPIRED',
      'PACKET_EXPIRED',
      'PACKET_EXPIRED',
    ]);
    expect(grabs.filter((g) => g.started)).toHaveLength(1);
  });

  it('without a known share count, lets grabs through until an answer bounds them', async () => {
    const queue = new GrabQueue();
    const first = race(queue, undefined, 3);
    await tick();
    expect(first.grabs.every((g) => g.started)).toBe(true);
    first.grabs[0]!.answer(1); // one left; two still in flight: a newcomer waits
    await tick();
    const second = race(queue, undefined, 1);
    await tick();
    expect(second.grabs[0]!.started).toBe(false);
    first.grabs[1]!.fail(new GameError('ALREADY_GRABBED', 'already'));
    first.grabs[2]!.fail(new GameError('LOCKED', 'locked'));
    await tick();
    expect(second.grabs[0]!.started).toBe(true);
    second.grabs[0]!.answer(0);
    await Promise.all([...first.outcomes, ...second.outcomes]);
    expect(queue.waiting).toBe(0);
  });
});

/**
 * The node's tap gate and its lottery batches (RainGate, DropBatches) through RainService on
 * the memory store, the clock injected: what the node decides without the store (early, rate,
 * already, a drawn-out drop), one store call per node per drop for the tickets, and at most
 * shares-left race claims in flight per drop. Store calls are counted with spies on the real
 * memory store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rainSpecSchema } from '@red-packet/sdk/schemas';
import { GameError } from '../../server/domain/errors.js';
import { serviceFixture, type ServiceFixture } from './fixture.js';

let fx: ServiceFixture;
beforeEach(() => {
  fx = serviceFixture();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fx.close();
  await fx.expectBalanced();
});

const player = (userId: string): { userId: string; name: string } => ({ userId, name: userId.toUpperCase() });
const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof GameError ? err.code : String(err)),
  );

/** Schedules a one-drop rain starting now and releases its drop; returns its ids and release. */
async function oneDrop(
  body: Record<string, unknown>,
): Promise<{ rainId: string; dropId: string; at: number }> {
  await fx.mint('host', 100_000);
  const view = await fx.rains.schedule(
    fx.user('host', 'host'),
    'gate',
    rainSpecSchema.parse({
      drops: 1,
      split: 'equal',
      startInMs: 0,
      durationMs: 1_000,
      dropTtlMs: 3_000,
      ...body,
    }),
  );
  const rain = (await fx.store.rains.getRain(view.id))!;
  const plan = fx.rains.timeline(rain)[0]!;
  fx.clock.set(rain.startAt + plan.offsetMs);
  await fx.runner.tick();
  return { rainId: view.id, dropId: plan.dropId, at: rain.startAt + plan.offsetMs };
}

describe('the node gate', () => {
  it('decides lottery taps without the store and hands the tickets in with one call per drop', async () => {
    const { rainId, dropId, at } = await oneDrop({ total: 500, sharesPerDrop: 5, maxTapsPerSec: 2 });
    const reads = vi.spyOn(fx.store.rains, 'getRain');
    const dropReads = vi.spyOn(fx.store.rains, 'dropReleasedAt');
    const claims = vi.spyOn(fx.store.rains, 'grabDrop');
    const batches = vi.spyOn(fx.store.lottery, 'submitBatch');

    expect(await codeOf(fx.rains.grab(player('eager'), rainId, dropId))).toBe('GRAB_TOO_EARLY');
    fx.clock.set(at + 150); // the window opens
    const tickets = Array.from({ length: 40 }, (_, i) =>
      codeOf(fx.rains.grab(player(`p${i}`), rainId, dropId)),
    );
    expect(await codeOf(fx.rains.grab(player('p1'), rainId, dropId))).toBe('ALREADY_GRABBED');
    // maxTapsPerSec 2, counted on this node: p1's third tap this second is refused.
    expect(await codeOf(fx.rains.grab(player('p1'), rainId, dropId))).toBe('RATE_LIMITED');
    expect(await codeOf(fx.rains.grab(player('p2'), rainId, 'd_forged_drop_id_0000000'))).toBe(
      'DROP_NOT_ACTIVE',
    );
    expect(fx.rains.ticketsHeld).toBe(40);
    expect(reads).not.toHaveBeenCalled(); // the driver's own node knows its rain and releases
    expect(dropReads).toHaveBeenCalledTimes(1); // the forged id: one read of that drop
    expect(claims).not.toHaveBeenCalled();
    expect(batches).not.toHaveBeenCalled();

    fx.clock.set(at + 550); // the window closes; the tick hands in, then the driver draws
    await fx.runner.tick();
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0]![2]).toMatchObject({ nodeId: fx.config.nodeId });
    expect(batches.mock.calls[0]![2].tickets).toHaveLength(40);
    expect(batches.mock.calls[0]![2].candidates).toHaveLength(18); // candidateLimit(5)
    const outcomes = await Promise.all(tickets);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'LOTTERY_LOST')).toHaveLength(35);
    // The drop is known drawn out: later taps are answered here.
    fx.clock.set(at + 1_100);
    expect(await codeOf(fx.rains.grab(player('late'), rainId, dropId))).toBe('PACKET_EMPTY');
    expect(claims).not.toHaveBeenCalled();
    await fx.runner.tick();
    expect(batches).toHaveBeenCalledTimes(1);
    fx.clock.set(at + 3_000);
    await fx.runner.tick(); // the rain ends
  });

  it('race: at most shares-left claims in flight per drop; the rest hear PACKET_EMPTY', async () => {
    const { rainId, dropId, at } = await oneDrop({ total: 300, sharesPerDrop: 3, mode: 'race' });
    const claims = vi.spyOn(fx.store.rains, 'grabDrop');
    fx.clock.set(at + 10);
    // A winner's next tap on the drop is answered here.
    expect(await codeOf(fx.rains.grab(player('r0'), rainId, dropId))).toBe('ok');
    expect(await codeOf(fx.rains.grab(player('r0'), rainId, dropId))).toBe('ALREADY_GRABBED');
    expect(claims).toHaveBeenCalledTimes(1);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => codeOf(fx.rains.grab(player(`r${i}`), rainId, dropId))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'ALREADY_GRABBED')).toHaveLength(1); // r0 again
    expect(outcomes.filter((o) => o === 'PACKET_EMPTY')).toHaveLength(47);
    expect(claims).toHaveBeenCalledTimes(3);
    // The grab log reaches the store once, after the drop's life: one call for the drop.
    const batches = vi.spyOn(fx.store.lottery, 'submitBatch');
    fx.clock.set(at + 3_000);
    await fx.runner.tick();
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0]![2]).toMatchObject({ tickets: [], candidates: [] });
    // Every attempt that reached the claim line is logged (not the repeat answered ALREADY).
    expect(batches.mock.calls[0]![2].log).toHaveLength(50);
  });
});

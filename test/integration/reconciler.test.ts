/**
 * Crashes between the steps of a money move, simulated by running only the first step
 * through the store seam: the reconciler finishes each move exactly once, and the audit
 * shows the money in flight until then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/domain/clock.js';
import { luckySplit } from '../../server/domain/split.js';
import { packetRecord } from '../contract/store-contract.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe.each(storeBackends())('reconciler on %s', (_name, makeBackend) => {
  const clock = new ManualClock(Date.now());
  let backend: Backend;
  let server: TestServer;
  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer(
      { ...backend.env, RECONCILE_GRACE_MS: '10000', RECONCILE_INTERVAL_MS: '3600000' },
      { clock },
    );
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  it('pays a claim whose credit never landed, once', async () => {
    const { store, reconciler } = server.app;
    await server.mint('crash-host', 600);
    const host = await server.client('crash-host', 'host');
    await host.join('crashy');
    const { packet } = await host.sendPacket({ roomId: 'crashy', kind: 'equal', amount: 200, count: 3 });
    // The node "dies" right after the grab script: the claim exists, the credit does not.
    const grab = await store.packets.grab(packet.id, { userId: 'victim', name: 'Victim' }, clock.now());
    expect(grab.status).toBe('claimed');
    expect(await store.wallets.getBalance('victim')).toBe(0);
    expect(await server.audit()).toMatchObject({ balanced: true, inFlight: 200, escrow: 400 });

    expect(await reconciler.reconcile()).toMatchObject({ credited: 0 }); // still within grace
    clock.advance(10_001);
    const victim = await server.client('victim');
    const paid = victim.waitFor('wallet:updated');
    expect(await reconciler.reconcile()).toEqual({ settled: 0, released: 0, credited: 1, acked: 1 });
    expect(await paid).toEqual({ balance: 200 });
    expect(await reconciler.reconcile()).toEqual({ settled: 0, released: 0, credited: 0, acked: 0 });
    expect(await store.wallets.getBalance('victim')).toBe(200);
    expect(await server.expectBalanced()).toMatchObject({ inFlight: 0, escrow: 400 });
    // The victim's retry is answered, not paid again.
    await victim.join('crashy');
    await expect(victim.grab(packet.id)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
  });

  it('releases a hold whose packet was never created, and can never create it afterwards', async () => {
    const { store, reconciler } = server.app;
    await server.mint('half-sender', 500);
    const ghost = packetRecord({ senderId: 'half-sender', total: 300, count: 3, createdAt: clock.now() });
    // The node "dies" after the debit, before the packet exists.
    expect(
      await store.wallets.hold({ holdId: ghost.id, userId: 'half-sender', amount: 300, at: clock.now() }),
    ).toEqual({ ok: true, balance: 200 });
    expect(await server.audit()).toMatchObject({ balanced: true, inFlight: 300 });
    clock.advance(10_001);
    expect(await reconciler.reconcile()).toMatchObject({ released: 1, settled: 0 });
    expect(await store.wallets.getBalance('half-sender')).toBe(500);
    // A late create from the "dead" request cannot resurrect the refunded packet.
    expect(await store.packets.createPacket(ghost, luckySplit(300, 3))).toBe('aborted');
    expect(await server.expectBalanced()).toMatchObject({ inFlight: 0 });
  });

  it('settles a hold whose packet was created but not settled', async () => {
    const { store, reconciler } = server.app;
    await server.mint('unsettled', 100);
    const p = packetRecord({ senderId: 'unsettled', total: 100, count: 1, createdAt: clock.now() });
    await store.wallets.hold({ holdId: p.id, userId: 'unsettled', amount: 100, at: clock.now() });
    expect(await store.packets.createPacket(p, [100])).toBe('created');
    expect(await server.audit()).toMatchObject({ balanced: true, inFlight: 0 });
    clock.advance(10_001);
    expect(await reconciler.reconcile()).toMatchObject({ settled: 1, released: 0 });
    expect(await store.wallets.listStaleHolds(clock.now(), 10)).toEqual([]);
    expect(await store.wallets.getBalance('unsettled')).toBe(0);
    await server.expectBalanced();
  });
});

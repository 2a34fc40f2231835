/**
 * What a refused send leaves behind (issue 23): nothing a reader has to walk. A send refused
 * for funds writes no phrase, fence or inbox entry, so a flood of them costs the nearby search,
 * the chat line and the owner's inbox nothing; a funded send is indexed as before.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packetSpecSchema, type PacketSpec } from '@red-packet/sdk/schemas';
import { CodeSigner } from '../../server/domain/signed-codes.js';
import { ReceiveService } from '../../server/services/codes/receive-service.js';
import { refusal, serviceFixture, type ServiceFixture } from './fixture.js';

/** Beyond the latitudes Redis geo holds: the index kept these apart and read them all. */
const POLE = { lat: 89.5, lng: 20 };

let fx: ServiceFixture;
beforeEach(() => {
  fx = serviceFixture();
});
afterEach(async () => {
  await fx.close();
  await fx.expectBalanced();
});

const spec = (body: Record<string, unknown>): PacketSpec => packetSpecSchema.parse(body);

describe('a send refused for funds', () => {
  it('leaves no phrase entry: the room’s phrase holds only funded packets', async () => {
    const password = spec({ kind: 'lucky', total: 100, count: 2, unlock: { type: 'phrase', phrase: 'hi' } });
    for (let i = 0; i < 20; i++) {
      expect((await refusal(fx.packets.send(fx.user('broke'), 'chat', password))).code).toBe(
        'INSUFFICIENT_FUNDS',
      );
    }
    expect(await fx.store.codes.findPhrase('chat', 'hi', fx.clock.now())).toEqual([]);
    await fx.mint('host', 100);
    const funded = await fx.packets.send(fx.user('host'), 'chat', password);
    expect(await fx.store.codes.findPhrase('chat', 'hi', fx.clock.now())).toEqual([funded.id]);
  });

  it('leaves no fence entry, at the poles or anywhere', async () => {
    const fenced = (at: { lat: number; lng: number }) =>
      spec({ kind: 'lucky', total: 100, count: 2, fence: { ...at, radiusM: 500 } });
    for (const at of [POLE, { lat: 31.23, lng: 121.47 }]) {
      expect((await refusal(fx.packets.send(fx.user('broke'), 'geo', fenced(at)))).code).toBe(
        'INSUFFICIENT_FUNDS',
      );
      expect(await fx.store.fences.nearby(at, 1_000, fx.clock.now(), 10)).toEqual([]);
    }
    await fx.mint('host', 100);
    const funded = await fx.packets.send(fx.user('host'), 'geo', fenced(POLE));
    expect((await fx.store.fences.nearby(POLE, 1_000, fx.clock.now(), 10)).map((h) => h.packetId)).toEqual([
      funded.id,
    ]);
  });
});

describe('a receive-code payment refused for funds', () => {
  it('leaves the owner’s inbox alone', async () => {
    const signer = new CodeSigner('failed-sends-code-secret-0123', 30_000);
    const { store, clock, packets, broadcaster, log } = fx;
    const receive = new ReceiveService(store, clock, packets, signer, broadcaster, log);
    const { code } = await receive.mine(fx.user('shop'));
    for (let i = 0; i < 20; i++) {
      expect((await refusal(receive.pay(fx.user('broke'), { code, amount: 100 }))).code).toBe(
        'INSUFFICIENT_FUNDS',
      );
    }
    expect(await store.codes.listReceived('shop', 100)).toEqual([]);
    await fx.mint('buyer', 100);
    const paid = await receive.pay(fx.user('buyer'), { code, amount: 100 });
    expect(await store.codes.listReceived('shop', 100)).toEqual([paid.id]);
  });
});

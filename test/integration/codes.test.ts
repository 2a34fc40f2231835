/**
 * QR-code packets, receive codes (收款码) and password packets (口令) through real sockets and
 * HTTP, on the memory store and on Redis. Time is a ManualClock, so code windows and expiries
 * are stepped, not waited for. Every refusal is checked to change nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PacketView } from '@red-packet/sdk/protocol';
import { RedPacketHttp } from '@red-packet/sdk';
import { ManualClock } from '../../server/domain/clock.js';
import { CodeSigner } from '../../server/domain/signed-codes.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ROTATE_MS = 30_000;

describe.each(storeBackends())('codes on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer;
  const clock = new ManualClock(Date.now());
  const http = async (userId: string): Promise<RedPacketHttp> =>
    new RedPacketHttp({ url: server.url, token: await server.token(userId) });

  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer({ ...backend.env, CODE_ROTATE_MS: String(ROTATE_MS) }, { clock });
  });
  afterEach(async () => {
    await server.expectBalanced();
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  async function codePacket(senderId: string, count = 10, total = 1_000): Promise<PacketView> {
    await server.mint(senderId, total);
    const sender = await server.client(senderId);
    await sender.join('stage');
    const { packet } = await sender.sendPacket({
      roomId: 'stage',
      kind: 'lucky',
      total,
      count,
      claim: { type: 'code' },
    });
    expect(packet.claim).toEqual({ type: 'code' });
    return packet;
  }

  it('anyone signed in claims a code packet with its code, by socket or HTTP, once', async () => {
    const packet = await codePacket('qr-host');
    const host = await http('qr-host');
    const shown = await host.packetCode(packet.id);
    expect(shown).toMatchObject({ packetId: packet.id, kind: 'rotating', rotateMs: ROTATE_MS });
    expect(shown.path).toBe(`/c/${shown.code}`);
    expect(shown.expiresAt).toBeGreaterThan(clock.now());

    // Never joined the room.
    const walker = await server.client('walker');
    const wallet = walker.waitFor('wallet:updated');
    const got = await walker.claimCode(shown.code);
    expect(got).toMatchObject({ packetId: packet.id, remaining: 9 });
    expect((await wallet).balance).toBe(got.amount);
    await expect(walker.claimCode(shown.code)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });

    const viaHttp = await (await http('passer')).claim(shown.code);
    expect(viaHttp).toMatchObject({ packetId: packet.id, remaining: 8 });

    // A room member who also scans is still paid once.
    const member = await server.client('member');
    await member.join('stage');
    await member.grab(packet.id);
    await expect(member.claimCode(shown.code)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    const details = await server.http('GET', `/v1/packets/${packet.id}`, { token: await server.token('x') });
    expect((details.body.claims as unknown[]).length).toBe(3);
  });

  it('only the sender sees the code, and only of a code packet', async () => {
    const packet = await codePacket('owner-only');
    await expect((await http('someone-else')).packetCode(packet.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await server.mint('plain-sender', 100);
    const plain = await server.client('plain-sender');
    await plain.join('stage');
    const { packet: roomPacket } = await plain.sendPacket({
      roomId: 'stage',
      kind: 'lucky',
      total: 100,
      count: 2,
    });
    await expect((await http('plain-sender')).packetCode(roomPacket.id)).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    await expect((await http('x')).packetCode('pk_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Over HTTP too: a code packet made with POST /v1/rooms/:roomId/packets.
    await server.mint('http-sender', 200);
    const made = await server.http('POST', '/v1/rooms/stage/packets', {
      token: await server.token('http-sender'),
      body: { kind: 'equal', amount: 100, count: 2, claim: { type: 'code' } },
    });
    expect(made.status).toBe(201);
    const httpPacket = made.body.packet as PacketView;
    expect(httpPacket.claim).toEqual({ type: 'code' });
    const httpCode = await (await http('http-sender')).packetCode(httpPacket.id);
    await expect((await http('http-claimer')).claim(httpCode.code)).resolves.toEqual({
      packetId: httpPacket.id,
      amount: 100,
      remaining: 1,
    });
    const badRule = await server.http('POST', '/v1/rooms/stage/packets', {
      token: await server.token('http-sender'),
      body: { kind: 'equal', amount: 100, count: 1, claim: { type: 'exclusive' } },
    });
    expect(badRule.status).toBe(400);
    // A code signed for a room packet (not issued by the server) is refused before any grab.
    const signer = new CodeSigner(server.app.config.codes.secret, ROTATE_MS);
    const forgedForRoom = signer.rotating(roomPacket.id, clock.now()).code;
    await expect((await server.client('sneak')).claimCode(forgedForRoom)).rejects.toMatchObject({
      code: 'CODE_INVALID',
    });
    // Leave the money where the audit expects it.
    await (await server.client('tidy')).join('stage');
  });

  it('refuses bad codes with their codes and changes nothing', async () => {
    const packet = await codePacket('strict', 5, 500);
    const other = await codePacket('strict-2', 5, 500);
    const host = await http('strict');
    const { code } = await host.packetCode(packet.id);
    const { code: otherCode } = await (await http('strict-2')).packetCode(other.id);
    const tag = code.slice(code.lastIndexOf('~') + 1);
    const flip = (s: string, i: number): string =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const signer = new CodeSigner(server.app.config.codes.secret, ROTATE_MS);
    const twoWindowsAgo = signer.rotating(packet.id, clock.now() - 2 * ROTATE_MS).code;
    const refusals: [string, string][] = [
      [flip(code, code.length - 3), 'CODE_INVALID'], // a flipped byte in the tag
      [flip(code, 5), 'CODE_INVALID'], // a flipped byte in the packet id
      [code.slice(0, -4), 'CODE_INVALID'], // truncated
      [otherCode.replace(other.id, packet.id), 'CODE_INVALID'], // another packet's code, re-aimed
      [`P~${packet.id}~zzzz~${tag}`, 'CODE_INVALID'],
      ['nonsense', 'CODE_INVALID'],
      [twoWindowsAgo, 'CODE_EXPIRED'],
    ];
    const claimer = await server.client('tries-hard');
    const claimerHttp = await http('tries-hard');
    for (const [bad, expected] of refusals) {
      await expect(claimer.claimCode(bad)).rejects.toMatchObject({ code: expected });
      await expect(claimerHttp.claim(bad)).rejects.toMatchObject({ code: expected });
    }
    expect(await server.app.store.packets.getPacket(packet.id)).toMatchObject({
      remainingCount: 5,
      remainingAmount: 500,
    });
    expect(await server.app.store.wallets.getBalance('tries-hard')).toBe(0);

    // The previous window is still accepted; two windows on, it is not.
    clock.advance(ROTATE_MS);
    await expect(claimer.claimCode(code)).resolves.toMatchObject({ packetId: packet.id });
    const late = await server.client('late');
    clock.advance(ROTATE_MS);
    await expect(late.claimCode(code)).rejects.toMatchObject({ code: 'CODE_EXPIRED' });
    const fresh = await host.packetCode(packet.id);
    expect(fresh.code).not.toBe(code);
    await expect(late.claimCode(fresh.code)).resolves.toMatchObject({ packetId: packet.id });
  });

  it('a static code works across windows until its own expiry', async () => {
    const packet = await codePacket('poster', 5, 500);
    const host = await http('poster');
    const printed = await host.staticCode(packet.id, 120_000);
    expect(printed).toMatchObject({ kind: 'static', rotateMs: null, expiresAt: clock.now() + 120_000 });
    clock.advance(90_000);
    await expect((await server.client('reader-1')).claimCode(printed.code)).resolves.toMatchObject({
      packetId: packet.id,
    });
    clock.advance(30_000);
    const tooLate = await server.client('reader-2');
    await expect(tooLate.claimCode(printed.code)).rejects.toMatchObject({ code: 'CODE_EXPIRED' });
    expect(await server.app.store.wallets.getBalance('reader-2')).toBe(0);
    expect((await server.app.store.packets.getPacket(packet.id))?.remainingCount).toBe(4);
    await expect(host.staticCode(packet.id, 10)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('a receive code takes an exclusive packet only its owner can open', async () => {
    const shop = await server.client('shop');
    const shopHttp = await http('shop');
    const mine = await shopHttp.renewReceiveCode({ amount: 1_200, note: 'flat white' });
    expect(mine).toMatchObject({ amount: 1_200, note: 'flat white' });
    expect(mine.path).toBe(`/r/${mine.code}`);
    expect(await shopHttp.receiveCode()).toEqual(mine);

    await server.mint('buyer', 5_000);
    const buyer = await http('buyer');
    expect(await buyer.resolveReceiveCode(mine.code)).toEqual({
      owner: { userId: 'shop', name: 'shop' },
      amount: 1_200,
      note: 'flat white',
    });
    await expect(buyer.payReceiveCode({ code: mine.code, amount: 999 })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    await expect(shopHttp.payReceiveCode({ code: mine.code })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const received = shop.waitFor('packet:received');
    const { packet } = await buyer.payReceiveCode({ code: mine.code, greeting: 'thanks' });
    expect(packet).toMatchObject({ total: 1_200, count: 1, claim: { type: 'exclusive', ownerId: 'shop' } });
    expect(await received).toMatchObject({ packet: { id: packet.id }, from: { userId: 'buyer' } });
    expect(await server.app.store.wallets.getBalance('buyer')).toBe(3_800);
    expect((await shopHttp.received()).packets.map((p) => p.id)).toEqual([packet.id]);

    const stranger = await server.client('stranger');
    await expect(stranger.openPacket(packet.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(stranger.join(packet.roomId)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const wallet = shop.waitFor('wallet:updated');
    await expect(shop.openPacket(packet.id)).resolves.toEqual({ amount: 1_200, remaining: 0 });
    expect((await wallet).balance).toBe(1_200);
    // Once a node knows the packet is empty it says so to everyone (packet-service.ts).
    await expect(shopHttp.openPacket(packet.id)).rejects.toMatchObject({ code: 'PACKET_EMPTY' });
    expect((await shopHttp.received()).packets).toEqual([]);
  });

  it('an unopened exclusive packet goes back to its payer at expiry; a revoked code is refused', async () => {
    const owner = await http('away');
    const first = await owner.receiveCode();
    await server.mint('payer', 700);
    const payer = await http('payer');
    const { packet } = await payer.payReceiveCode({ code: first.code, amount: 700 });
    expect(await server.app.store.wallets.getBalance('payer')).toBe(0);

    const second = await owner.renewReceiveCode({});
    expect(second.version).toBe(first.version + 1);
    await expect(payer.resolveReceiveCode(first.code)).rejects.toMatchObject({ code: 'CODE_REVOKED' });
    await server.mint('payer', 100);
    await expect(payer.payReceiveCode({ code: first.code, amount: 100 })).rejects.toMatchObject({
      code: 'CODE_REVOKED',
    });
    expect(await server.app.store.wallets.getBalance('payer')).toBe(100);
    await expect(payer.payReceiveCode({ code: second.code })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });

    clock.set(packet.expiresAt);
    await server.app.sweeper.sweep();
    expect(await server.app.store.wallets.getBalance('payer')).toBe(800);
    await expect(owner.openPacket(packet.id)).rejects.toMatchObject({ code: 'PACKET_EXPIRED' });
    expect(await server.app.store.wallets.getBalance('away')).toBe(0);
  });

  it('a password packet opens for whoever says its phrase in chat, once each', async () => {
    await server.mint('riddler', 10_000);
    const riddler = await server.client('riddler');
    await riddler.join('party');
    const { packet } = await riddler.sendPacket({
      roomId: 'party',
      kind: 'lucky',
      total: 10_000,
      count: 100,
      unlock: { type: 'phrase', phrase: '  芝麻　开门 ' },
    });
    expect(packet.unlock).toEqual({ type: 'phrase', phrase: '芝麻 开门' });

    const guests = await Promise.all(Array.from({ length: 20 }, (_, i) => server.client(`guest${i}`)));
    for (const g of guests) await g.join('party');
    const [first] = guests;
    await expect(first!.grab(packet.id)).rejects.toMatchObject({ code: 'LOCKED' });
    expect(await first!.chat('party', '芝麻')).not.toHaveProperty('grabs');

    const chatSeen = riddler.waitFor('chat:message', (m) => m.userId === 'guest0');
    const wallet = first!.waitFor('wallet:updated');
    const said = await first!.chat('party', '芝麻 开门');
    expect(said.message.text).toBe('芝麻 开门');
    expect(said.grabs).toHaveLength(1);
    expect(said.grabs?.[0]).toMatchObject({ packetId: packet.id, ok: true, remaining: 99 });
    await chatSeen;
    const won = said.grabs?.[0];
    expect((await wallet).balance).toBe(won?.ok ? won.amount : -1);

    // 200 lines at once: 10 per guest; each guest is paid exactly once.
    const lines = await Promise.all(
      guests.flatMap((g) => Array.from({ length: 10 }, () => g.chat('party', '芝麻 开门'))),
    );
    const ok = lines.flatMap((l) => (l.grabs ?? []).filter((g) => g.ok));
    expect(ok).toHaveLength(19);
    const refused = lines.flatMap((l) => (l.grabs ?? []).filter((g) => !g.ok));
    expect(refused).toHaveLength(181);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'ALREADY_GRABBED' } });
    const claims = await server.app.store.packets.getClaims(packet.id);
    expect(claims).toHaveLength(20);
    expect(new Set(claims.map((c) => c.userId)).size).toBe(20);
  });
});

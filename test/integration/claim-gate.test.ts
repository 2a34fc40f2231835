/**
 * One risk gate for every way money is claimed (issue 23): the daily received cap and the
 * win accounting hold on each path — a room grab, a drop grab, a scanned code over the socket
 * and over HTTP, a receive-code packet opened over the socket and over HTTP, a phrase said in
 * chat — because the gate is the claim's own, not a wrapper some handlers had.
 *
 * Each path claims 100 fen three times with a 150 fen cap: the first is paid, the second
 * crosses the cap and is paid, the third is refused DAILY_LIMIT, and the operator's view
 * counts 200 fen received.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedPacketHttp, type RedPacketClient } from '@red-packet/sdk';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface Path {
  name: string;
  /** Makes a fresh 100 fen claim for `taker`; resolves with the amount paid or rejects. */
  claim(s: TestServer, giver: RedPacketClient, taker: RedPacketClient, round: number): Promise<number>;
}

const http = (s: TestServer, token: string): RedPacketHttp => new RedPacketHttp({ url: s.url, token });

const paths: Path[] = [
  {
    name: 'packet:grab (socket, room)',
    claim: async (_s, giver, taker) => {
      const { packet } = await giver.sendPacket({ roomId: 'gate', kind: 'equal', amount: 100, count: 1 });
      return (await taker.grab(packet.id)).amount;
    },
  },
  {
    name: 'code:claim (socket)',
    claim: async (s, giver, taker) => {
      const { packet } = await giver.sendPacket({
        roomId: 'gate',
        kind: 'equal',
        amount: 100,
        count: 1,
        claim: { type: 'code' },
      });
      const { code } = await http(s, await s.token('giver')).packetCode(packet.id);
      return (await taker.claimCode(code)).amount;
    },
  },
  {
    name: 'POST /v1/claims (HTTP)',
    claim: async (s, giver) => {
      const { packet } = await giver.sendPacket({
        roomId: 'gate',
        kind: 'equal',
        amount: 100,
        count: 1,
        claim: { type: 'code' },
      });
      const { code } = await http(s, await s.token('giver')).packetCode(packet.id);
      return (await http(s, await s.token('taker')).claim(code)).amount;
    },
  },
  {
    name: 'packet:open (socket, receive code)',
    claim: async (s, _giver, taker) => {
      const { code } = await http(s, await s.token('taker')).renewReceiveCode({ amount: 100 });
      const { packet } = await http(s, await s.token('giver')).payReceiveCode({ code });
      return (await taker.openPacket(packet.id)).amount;
    },
  },
  {
    name: 'POST /v1/packets/:id/open (HTTP, receive code)',
    claim: async (s) => {
      const { code } = await http(s, await s.token('taker')).renewReceiveCode({ amount: 100 });
      const { packet } = await http(s, await s.token('giver')).payReceiveCode({ code });
      const res = await s.http('POST', `/v1/packets/${packet.id}/open`, { token: await s.token('taker') });
      if (res.status !== 200)
        throw Object.assign(new Error('refused'), (res.body as { error: object }).error);
      return (res.body as { amount: number }).amount;
    },
  },
  {
    name: 'a phrase said in chat',
    claim: async (_s, giver, taker, round) => {
      const phrase = `open sesame ${round}`;
      await giver.sendPacket({
        roomId: 'gate',
        kind: 'equal',
        amount: 100,
        count: 1,
        unlock: { type: 'phrase', phrase },
      });
      const [grab] = (await taker.chat('gate', phrase)).grabs ?? [];
      if (!grab) throw new Error('the phrase grabbed nothing');
      if (!grab.ok) throw Object.assign(new Error(grab.error.message), grab.error);
      return grab.amount;
    },
  },
  {
    name: 'drop:grab (socket, rain)',
    claim: async (_s, giver, taker) => {
      const drops = taker.waitFor('rain:drops');
      const { rain } = await giver.scheduleRain({
        roomId: 'gate',
        total: 100,
        drops: 1,
        durationMs: 1_000,
        startInMs: 0,
        dropTtlMs: 5_000,
        mode: 'race',
      });
      const { dropId } = (await drops).drops[0]!;
      const { amount } = await taker.grabDrop(rain.id, dropId);
      await giver.cancelRain(rain.id).catch(() => undefined);
      return amount;
    },
  },
];

describe('one risk gate on every claim path', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each(paths.map((p) => [p.name, p] as const))('%s: the daily received cap holds', async (_name, path) => {
    const s = (server = await startTestServer({ RISK_DAILY_MAX_RECEIVED_FEN: '150' }));
    await s.mint('giver', 100_000);
    const giver = await s.client('giver', 'host');
    const taker = await s.client('taker');
    for (const c of [giver, taker]) await c.join('gate');

    expect(await path.claim(s, giver, taker, 1)).toBe(100);
    await s.app.risk.flush();
    expect(await path.claim(s, giver, taker, 2)).toBe(100); // 200 ≥ 150: crosses the cap, paid
    await s.app.risk.flush();
    await expect(path.claim(s, giver, taker, 3)).rejects.toMatchObject({
      code: 'DAILY_LIMIT',
    });

    const view = await s.http('GET', '/v1/admin/risk', { token: await s.token('admin', 'admin') });
    expect((view.body as { top: { receivers: unknown[] } }).top.receivers).toEqual([
      { userId: 'taker', fen: 200 },
    ]);
    await s.expectBalanced();
  });
});

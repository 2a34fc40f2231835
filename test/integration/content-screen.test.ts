/**
 * Content screening on one node, through the SDK and HTTP, on the memory store and on Redis:
 * chat lines and packet texts that hit a word list are refused with CONTENT_BLOCKED (the list,
 * never the word), nothing is stored, broadcast or paid, the sender's strikes show in the
 * operator's risk view, and the lists reload without a restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketHttp, type RedPacketClient, type RedPacketError } from '@red-packet/sdk';
import type { ChatMessage, PacketView, ScreeningStatus } from '@red-packet/sdk/protocol';
import { DEFAULT_WORDLIST } from '../../server/config.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const rejection = async (p: Promise<unknown>): Promise<RedPacketError> => {
  try {
    await p;
  } catch (err) {
    return err as RedPacketError;
  }
  throw new Error('expected a rejection');
};

interface Flag {
  id: string;
  rule: string;
  userIds: string[];
  evidence: Record<string, unknown>;
}

/** Everything `client` hears of `event` until the call ends (to show what was never sent). */
function record<T>(client: RedPacketClient, event: 'chat:message' | 'packet:created'): T[] {
  const heard: T[] = [];
  client.on(event, (payload: unknown) => heard.push(payload as T));
  return heard;
}

describe.each(storeBackends())('content screening on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer | undefined;
  let servers = 0;
  const dir = mkdtempSync(join(tmpdir(), 'rp-screen-'));
  beforeAll(async () => {
    backend = await makeBackend();
  });
  afterAll(async () => {
    await backend.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (env: Record<string, string> = {}): Promise<TestServer> => {
    const prefix: Record<string, string> = backend.env.REDIS_KEY_PREFIX
      ? { REDIS_KEY_PREFIX: `${backend.env.REDIS_KEY_PREFIX}${++servers}:` }
      : {};
    server = await startTestServer({ ...backend.env, ...prefix, ...env });
    return server;
  };
  const admin = (s: TestServer): Promise<string> => s.token('screen-admin', 'admin');
  const flags = async (s: TestServer): Promise<Flag[]> => {
    const res = await s.http('GET', '/v1/admin/risk', { token: await admin(s) });
    expect(res.status).toBe(200);
    return res.body.flags as Flag[];
  };

  it('refuses a gambling chat line in any disguise: not stored, not broadcast; the operator sees the strikes', async () => {
    const s = await start();
    const [alice, bob] = await Promise.all([s.client('alice'), s.client('bob')]);
    await alice.join('lobby');
    await bob.join('lobby');
    const heard = record<ChatMessage>(bob, 'chat:message');

    const disguises = [
      '来玩博彩',
      '博 彩',
      '博.彩',
      '博\u200B彩',
      'ＢＯ彩 百家樂',
      'b-a-c-c-a-r-a-t',
      'Place your BET!',
    ];
    for (const text of disguises) {
      const err = await rejection(alice.chat('lobby', text));
      expect(err.code).toBe('CONTENT_BLOCKED');
      expect(err.details).toEqual({ list: 'gambling' });
      expect(err.message).toBe('this message was refused by content screening (the gambling word list)');
    }
    // A clean line after them is the first and only thing bob hears.
    const clean = bob.waitFor('chat:message');
    await alice.chat('lobby', 'happy new year, alphabet soup for everyone');
    await clean;
    expect(heard.map((m) => m.text)).toEqual(['happy new year, alphabet soup for everyone']);
    const snapshot = await (await s.client('carol')).join('lobby');
    expect(snapshot.chat.map((m) => m.text)).toEqual(['happy new year, alphabet soup for everyone']);

    const flag = (await flags(s)).find((f) => f.id === 'content:alice');
    expect(flag).toMatchObject({
      rule: 'content-blocked',
      userIds: ['alice'],
      evidence: { blocked: disguises.length, byList: [`gambling: ${disguises.length}`], lastWhere: 'chat' },
    });
    const metrics = await s.http('GET', '/metrics');
    expect(metrics.body.text).toMatch(
      new RegExp(`rp_screen_blocked_total\\{[^}]*list="gambling",where="chat"[^}]*\\} ${disguises.length}`),
    );
    expect(metrics.body.text).toMatch(
      /rp_risk_decisions_total\{[^}]*rule="content-blocked",outcome="refuse"[^}]*\} 7/,
    );
  });

  it('refuses a packet whose greeting, phrase or song title hits a list: no money moves, nothing announced', async () => {
    const s = await start();
    await s.mint('sender', 10_000);
    const [sender, watcher] = await Promise.all([s.client('sender'), s.client('watcher')]);
    await sender.join('party');
    await watcher.join('party');
    const announced = record<PacketView>(watcher, 'packet:created');

    const refusals = await Promise.all([
      rejection(
        sender.sendPacket({
          roomId: 'party',
          kind: 'lucky',
          total: 1000,
          count: 5,
          greeting: '六合彩 开奖啦',
        }),
      ),
      rejection(
        sender.sendPacket({
          roomId: 'party',
          kind: 'equal',
          amount: 100,
          count: 2,
          unlock: { type: 'phrase', phrase: '时 时 彩' },
        }),
      ),
      rejection(
        sender.sendPacket({
          roomId: 'party',
          kind: 'equal',
          amount: 100,
          count: 2,
          unlock: { type: 'listen', song: { id: 's1', title: 'Roulette Nights', durationMs: 5_000 } },
        }),
      ),
      rejection(
        sender.sendPacket({
          roomId: 'party',
          kind: 'equal',
          amount: 100,
          count: 2,
          unlock: {
            type: 'listen',
            song: {
              id: 's2',
              title: 'Nights',
              durationMs: 5_000,
              url: 'https://play.example/baccarat/nights.mp3',
            },
          },
        }),
      ),
    ]);
    expect(refusals.map((e) => [e.code, e.details.list])).toEqual([
      ['CONTENT_BLOCKED', 'gambling'],
      ['CONTENT_BLOCKED', 'gambling'],
      ['CONTENT_BLOCKED', 'gambling'],
      ['CONTENT_BLOCKED', 'gambling'],
    ]);
    expect(refusals.map((e) => e.message)).toEqual([
      'this greeting was refused by content screening (the gambling word list)',
      'this password phrase was refused by content screening (the gambling word list)',
      'this song title was refused by content screening (the gambling word list)',
      'this song link was refused by content screening (the gambling word list)',
    ]);
    // The refused password packet left no phrase behind.
    expect(await s.app.store.codes.findPhrase('party', '时 时 彩', Date.now())).toEqual([]);

    // Over HTTP: 422 with the list.
    const res = await s.http('POST', '/v1/rooms/party/packets', {
      token: await s.token('sender'),
      body: { kind: 'equal', amount: 100, count: 1, greeting: 'ＣＡＳＩＮＯ night' },
    });
    expect(res).toMatchObject({
      status: 422,
      body: { error: { code: 'CONTENT_BLOCKED', list: 'gambling' } },
    });

    // A clean packet after all that is the first one announced, and the only money moved.
    const created = watcher.waitFor('packet:created');
    const { packet } = await sender.sendPacket({
      roomId: 'party',
      kind: 'lucky',
      total: 500,
      count: 2,
      greeting: '恭喜发财',
    });
    await created;
    expect(announced.map((p) => p.id)).toEqual([packet.id]);
    const me = await s.http('GET', '/v1/me', { token: await s.token('sender') });
    expect(me.body.balance).toBe(10_000 - 500);
    const flag = (await flags(s)).find((f) => f.id === 'content:sender');
    expect(flag?.evidence).toMatchObject({ blocked: 5, lastWhere: 'greeting' });
    await s.expectBalanced();
  });

  it('a receive code note is screened too; the operator clearing the flag forgets the strikes', async () => {
    const s = await start();
    const shop = await s.token('shop');
    const res = await s.http('POST', '/v1/me/receive-code', { token: shop, body: { note: '百家乐 充值' } });
    expect(res).toMatchObject({
      status: 422,
      body: { error: { code: 'CONTENT_BLOCKED', list: 'gambling' } },
    });
    const [flag] = (await flags(s)).filter((f) => f.id === 'content:shop');
    expect(flag?.evidence).toMatchObject({ blocked: 1, lastWhere: 'receive-note' });

    const cleared = await s.http('POST', `/v1/admin/risk/flags/${encodeURIComponent('content:shop')}/clear`, {
      token: await admin(s),
    });
    expect(cleared).toMatchObject({ status: 200, body: { cleared: true } });
    expect((await flags(s)).some((f) => f.id === 'content:shop')).toBe(false);
    expect(
      (await s.http('POST', '/v1/me/receive-code', { token: shop, body: { note: 'baccarat' } })).status,
    ).toBe(422);
    const [again] = (await flags(s)).filter((f) => f.id === 'content:shop');
    expect(again?.evidence).toMatchObject({ blocked: 1, byList: ['gambling: 1'] });
  });

  it('paying a receive code: the payer’s greeting is screened (HTTP SDK), the owner’s note is not held against them', async () => {
    const house = join(dir, 'house.txt');
    writeFileSync(house, '加微信\n');
    const s = await start({ SCREEN_WORDLIST_PATH: `${house},${DEFAULT_WORDLIST}` });
    await s.mint('buyer', 5_000);
    const shop = new RedPacketHttp({ url: s.url, token: await s.token('shop') });
    const buyer = new RedPacketHttp({ url: s.url, token: await s.token('buyer') });
    const { code } = await shop.renewReceiveCode({ amount: 300, note: 'shopping spree' });
    const err = await rejection(buyer.payReceiveCode({ code, greeting: '赌 场 见' }));
    expect(err).toMatchObject({ code: 'CONTENT_BLOCKED', details: { list: 'gambling' } });
    expect((await shop.received()).packets).toEqual([]);
    expect((await s.http('GET', '/v1/me', { token: await s.token('buyer') })).body.balance).toBe(5_000);

    // The note becomes a listed term after it was set: paying with it as the greeting still works.
    writeFileSync(house, '加微信\nshopping spree\n');
    expect((await s.http('POST', '/v1/admin/screening/reload', { token: await admin(s) })).status).toBe(200);
    const { packet } = await buyer.payReceiveCode({ code });
    expect(packet.greeting).toBe('shopping spree');
    expect((await shop.received()).packets.map((p) => p.id)).toEqual([packet.id]);
    expect((await flags(s)).find((f) => f.id === 'content:buyer')?.evidence).toMatchObject({ blocked: 1 });
    await s.expectBalanced();
  });

  it('reloads the lists without a restart; a bad file changes nothing; the first list in order is reported', async () => {
    const spam = join(dir, 'spam.txt');
    writeFileSync(spam, '# house rules\n加微信\n');
    const s = await start({ SCREEN_WORDLIST_PATH: `${spam},${DEFAULT_WORDLIST}` });
    const token = await admin(s);
    const before = (await s.http('GET', '/v1/admin/screening', { token })).body as unknown as ScreeningStatus;
    expect(before).toMatchObject({ nodeId: s.app.config.nodeId, enabled: true });
    expect(before.lists.map((l) => [l.name, l.terms])).toEqual([
      ['spam', 1],
      ['gambling', expect.any(Number)],
    ]);

    const alice = await s.client('alice');
    await alice.join('lobby');
    await alice.chat('lobby', 'buy followers cheap');
    expect((await rejection(alice.chat('lobby', '加 微 信 玩 博彩'))).details).toEqual({ list: 'spam' });

    writeFileSync(spam, '加微信\nbuy followers\n');
    const reloaded = await s.http('POST', '/v1/admin/screening/reload', { token });
    expect(reloaded.status).toBe(200);
    const after = reloaded.body as unknown as ScreeningStatus;
    expect(after.lists[0]).toMatchObject({ name: 'spam', terms: 2 });
    expect(after.lists[0]?.version).not.toBe(before.lists[0]?.version);
    expect(after.lists[1]?.version).toBe(before.lists[1]?.version);
    const err = await rejection(alice.chat('lobby', 'BUY-FOLLOWERS cheap'));
    expect(err).toMatchObject({ code: 'CONTENT_BLOCKED', details: { list: 'spam' } });

    // A broken file: 400 naming the file's line, and the lists in force stay.
    writeFileSync(spam, '加微信\n赌\n');
    const broken = await s.http('POST', '/v1/admin/screening/reload', { token });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(broken.body.error?.message).toMatch(
      /word list spam, line 2: .*; the lists in force are unchanged/,
    );
    expect((await rejection(alice.chat('lobby', 'buy followers'))).code).toBe('CONTENT_BLOCKED');
    const status = (await s.http('GET', '/v1/admin/screening', { token })).body as unknown as ScreeningStatus;
    expect(status.lists[0]?.version).toBe(after.lists[0]?.version);

    // Operators only.
    const user = await s.token('alice');
    expect((await s.http('POST', '/v1/admin/screening/reload', { token: user })).status).toBe(403);
    expect((await s.http('GET', '/v1/admin/screening', { token: user })).status).toBe(403);
    const metrics = await s.http('GET', '/metrics');
    expect(metrics.body.text).toMatch(/rp_screen_reloads_total\{[^}]*outcome="ok"[^}]*\} 1/);
    expect(metrics.body.text).toMatch(/rp_screen_reloads_total\{[^}]*outcome="failed"[^}]*\} 1/);
    expect(metrics.body.text).toMatch(/rp_screen_terms\{[^}]*list="spam"[^}]*\} 2/);
  });

  it('SCREEN_WORDLIST_PATH=off screens nothing', async () => {
    const s = await start({ SCREEN_WORDLIST_PATH: 'off' });
    const alice = await s.client('alice');
    await alice.join('lobby');
    await alice.chat('lobby', '博彩');
    const status = await s.http('GET', '/v1/admin/screening', { token: await admin(s) });
    expect(status.body).toMatchObject({ enabled: false, lists: [] });
  });
});

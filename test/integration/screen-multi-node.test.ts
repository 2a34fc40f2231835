/**
 * Content screening across two node processes sharing one Redis, and a Redis Cluster: a
 * word-list reload asked of one node (HTTP, or SIGHUP) reaches the other without a restart,
 * and a refusal on one node shows in the operator view on the other.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedPacketError } from '@red-packet/sdk';
import type { ScreeningStatus } from '@red-packet/sdk/protocol';
import { DEFAULT_WORDLIST } from '../../server/config.js';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { sharedBackends, type Backend } from '../helpers/backends.js';

const rejection = async (p: Promise<unknown>): Promise<RedPacketError> => {
  try {
    await p;
  } catch (err) {
    return err as RedPacketError;
  }
  throw new Error('expected a rejection');
};

describe.each(sharedBackends())('content screening on 2 nodes on %s', (_name, makeBackend) => {
  const api = gameApi();
  let backend: Backend;
  let a: NodeProcess;
  let b: NodeProcess;
  const dir = mkdtempSync(join(tmpdir(), 'rp-screen-mn-'));
  const spam = join(dir, 'spam.txt');

  beforeAll(async () => {
    backend = await makeBackend();
    writeFileSync(spam, '加微信\n');
    const env = {
      ...backend.env,
      REDIS_KEY_PREFIX: `smn-${randomBytes(3).toString('hex')}:`,
      SCREEN_WORDLIST_PATH: `${spam},${DEFAULT_WORDLIST}`,
    };
    [a, b] = await Promise.all([startNodeProcess(env, 'screen-a'), startNodeProcess(env, 'screen-b')]);
  }, 60_000);

  afterAll(async () => {
    api.closeClients();
    await Promise.all([a.stop(), b.stop()]);
    await backend.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = async (node: NodeProcess): Promise<ScreeningStatus> => {
    const res = await api.http(node.url, 'GET', '/v1/admin/screening', {
      token: await api.token('ops', 'admin'),
    });
    return res.body as unknown as ScreeningStatus;
  };
  const reloadedBy = (by: string) => (entry: Record<string, unknown>) =>
    entry.msg === 'word lists reloaded' && entry.by === by;

  it('a reload on node A (HTTP) applies on node B; a refusal on B shows in the risk view on A', async () => {
    await api.mint(a.url, 'poster', 1_000);
    const onB = await api.client(b.url, 'poster');
    await onB.join('hall');
    await onB.chat('hall', 'buy followers here');

    writeFileSync(spam, '加微信\nbuy followers\n');
    const heardOnB = b.waitForLog(reloadedBy('node screen-a'));
    const res = await api.http(a.url, 'POST', '/v1/admin/screening/reload', {
      token: await api.token('ops', 'admin'),
    });
    expect(res.status).toBe(200);
    await heardOnB;
    expect((await status(b)).lists[0]).toEqual((res.body as unknown as ScreeningStatus).lists[0]);
    expect((await status(b)).lists[0]?.terms).toBe(2);

    const err = await rejection(onB.chat('hall', 'Buy.Followers.Here'));
    expect(err).toMatchObject({ code: 'CONTENT_BLOCKED', details: { list: 'spam' } });
    const greeting = await rejection(
      onB.sendPacket({ roomId: 'hall', kind: 'equal', amount: 100, count: 2, greeting: '百家乐' }),
    );
    expect(greeting).toMatchObject({ code: 'CONTENT_BLOCKED', details: { list: 'gambling' } });

    const view = await api.http(a.url, 'GET', '/v1/admin/risk', { token: await api.token('ops', 'admin') });
    const flags = view.body.flags as { id: string; evidence: Record<string, unknown> }[];
    expect(flags.find((f) => f.id === 'content:poster')?.evidence).toMatchObject({
      blocked: 2,
      byList: ['gambling: 1', 'spam: 1'],
      lastList: 'gambling',
      lastWhere: 'greeting',
    });
    const me = await api.http(b.url, 'GET', '/v1/me', { token: await api.token('poster') });
    expect(me.body.balance).toBe(1_000);
    await api.expectBalanced(a.url);
  }, 60_000);

  it('SIGHUP on node B reloads there and on node A', async () => {
    const onA = await api.client(a.url, 'shouter');
    await onA.join('hall');
    await onA.chat('hall', 'cheap likes');

    writeFileSync(spam, '加微信\nbuy followers\ncheap likes\n');
    const heardOnA = a.waitForLog(reloadedBy('node screen-b'));
    const onB = b.waitForLog(reloadedBy('SIGHUP'));
    process.kill(b.pid, 'SIGHUP');
    await Promise.all([onB, heardOnA]);
    expect(b.alive()).toBe(true);
    expect((await status(a)).lists[0]?.terms).toBe(3);
    expect((await rejection(onA.chat('hall', 'CHEAP  LIKES'))).code).toBe('CONTENT_BLOCKED');
  }, 60_000);
});

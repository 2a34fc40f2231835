/**
 * A node that dies without shutting down (kill -9) stops counting in room presence within a
 * few seconds: the survivors see its heartbeat lapse and reap its members.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

describe('a crashed node', () => {
  const api = gameApi();
  let redis: RedisHandle;
  let survivor: NodeProcess;
  let doomed: NodeProcess;

  beforeAll(async () => {
    redis = await startRedis();
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `crash-${randomBytes(3).toString('hex')}:`,
      NODE_HEARTBEAT_MS: '200',
      NODE_DEAD_AFTER_MS: '1000',
      PRESENCE_INTERVAL_MS: '200',
    };
    [survivor, doomed] = await Promise.all([
      startNodeProcess(env, 'survivor'),
      startNodeProcess(env, 'doomed'),
    ]);
  }, 60_000);

  afterAll(async () => {
    api.closeClients();
    await Promise.all([survivor.stop(), doomed.stop()]);
    await redis.destroy();
  });

  it('stops counting its connections in presence once the survivors reap it', async () => {
    const watcher = await api.client(survivor.url, 'watcher');
    await watcher.join('crash-room');
    // Three users on the doomed node, one of them also on the survivor.
    const onDoomed = await Promise.all(
      ['d1', 'd2', 'both'].map((u) => api.client(doomed.url, u, 'user', { reconnectDelayMs: 60_000 })),
    );
    for (const c of onDoomed) await c.join('crash-room');
    const both = await api.client(survivor.url, 'both');
    expect((await both.join('crash-room')).members).toBe(4);

    const reaped = watcher.waitFor(
      'room:presence',
      (p) => p.roomId === 'crash-room' && p.members === 2,
      20_000,
    );
    await doomed.kill();
    await reaped;
    // The count stays right for newcomers, and the survivor's own members are untouched.
    const late = await api.client(survivor.url, 'latecomer');
    expect((await late.join('crash-room')).members).toBe(3);
    expect(survivor.logs.some((l) => l.includes('reaped a dead node'))).toBe(true);
  }, 40_000);
});

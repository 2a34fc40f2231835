import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

function errorOf(env: Record<string, string>): ConfigError | undefined {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  return undefined;
}

describe('config', () => {
  it('defaults to one node on the memory store in dev mode', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.store).toEqual({ kind: 'memory' });
    expect(c.auth.devMode).toBe(true);
    expect(c.auth.devTokens).toBe(true);
    expect(c.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(c.wireFormat).toBe('msgpack');
    expect(c.limits).toMatchObject({ packetMaxTotal: 20_000, packetMaxCount: 100, packetTtlMs: 86_400_000 });
    expect(c.nodeId).toMatch(/^node-/);
  });

  it('turns dev tokens off when a secret is set, unless DEV_TOKENS=1', () => {
    expect(loadConfig({ JWT_SECRET: 'a-long-enough-secret' }).auth).toMatchObject({
      devMode: false,
      devTokens: false,
    });
    expect(loadConfig({ JWT_SECRET: 'a-long-enough-secret', DEV_TOKENS: '1' }).auth.devTokens).toBe(true);
  });

  it('derives the code secret from the JWT secret unless CODE_SECRET is set; checks both', () => {
    const a = loadConfig({ JWT_SECRET: 'a-long-enough-secret' });
    expect(a.codes.rotateMs).toBe(30_000);
    expect(a.codes.secret).toBe(loadConfig({ JWT_SECRET: 'a-long-enough-secret' }).codes.secret);
    expect(a.codes.secret).not.toBe('a-long-enough-secret');
    expect(loadConfig({ CODE_SECRET: 'codes-0123456789ab' }).codes.secret).toBe('codes-0123456789ab');
    expect(loadConfig({ CODE_ROTATE_MS: '5000' }).codes.rotateMs).toBe(5_000);
    expect(errorOf({ CODE_SECRET: 'short' })?.variable).toBe('CODE_SECRET');
    expect(errorOf({ CODE_ROTATE_MS: '10' })?.variable).toBe('CODE_ROTATE_MS');
  });

  it('reads Redis and cluster settings', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:7000/2' }).store).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:7000/2',
      keyPrefix: '',
    });
    expect(loadConfig({ REDIS_URL: 'redis://x:1', REDIS_KEY_PREFIX: 'prod:' }).store).toMatchObject({
      keyPrefix: 'prod:',
    });
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000, b:7001' }).store).toEqual({
      kind: 'cluster',
      keyPrefix: '',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PACKET_MAX_TOTAL: '1.5' }, 'PACKET_MAX_TOTAL'],
    [{ PACKET_MAX_COUNT: '0' }, 'PACKET_MAX_COUNT'],
    [{ PACKET_TTL_MS: '-5' }, 'PACKET_TTL_MS'],
    [{ WIRE_FORMAT: 'xml' }, 'WIRE_FORMAT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ DEV_TOKENS: 'yes' }, 'DEV_TOKENS'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://x', REDIS_CLUSTER_NODES: 'a:1' }, 'REDIS_URL'],
    [{ REDIS_CLUSTER_NODES: 'a:1,b' }, 'REDIS_CLUSTER_NODES'],
    [{ NODE_ID: 'has spaces' }, 'NODE_ID'],
    [{ TRANSPORT: 'carrier-pigeon' }, 'TRANSPORT'],
    [{ REDIS_URL: 'redis://x', REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX'],
  ])('%j is refused, naming %s', (env, variable) => {
    const err = errorOf(env);
    expect(err?.variable).toBe(variable);
    expect(err?.message).toContain(variable);
  });
});

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
    expect(c.host).toBe('127.0.0.1');
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
    expect(
      loadConfig({ JWT_SECRET: 'a-long-enough-secret', DEV_TOKENS: '1', HOST: '127.0.0.1' }).auth.devTokens,
    ).toBe(true);
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
    const secret = { JWT_SECRET: 'a-long-enough-secret' };
    expect(loadConfig({ ...secret, REDIS_URL: 'redis://127.0.0.1:7000/2' }).store).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:7000/2',
      keyPrefix: '',
    });
    expect(
      loadConfig({ ...secret, REDIS_URL: 'redis://x:1', REDIS_KEY_PREFIX: 'prod:' }).store,
    ).toMatchObject({
      keyPrefix: 'prod:',
    });
    expect(loadConfig({ ...secret, REDIS_CLUSTER_NODES: 'a:7000, b:7001' }).store).toEqual({
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
    [
      { JWT_SECRET: 'a-long-enough-secret', REDIS_URL: 'redis://x', REDIS_KEY_PREFIX: 'has space' },
      'REDIS_KEY_PREFIX',
    ],
    [{ UNSAFE_DEV_TOKENS: 'sure' }, 'UNSAFE_DEV_TOKENS'],
  ])('%j is refused, naming %s', (env, variable) => {
    const err = errorOf(env);
    expect(err?.variable).toBe(variable);
    expect(err?.message).toContain(variable);
  });

  describe('fails closed where others can reach the node (issue 23)', () => {
    const secret = 'a-long-enough-secret';

    it.each([
      [{ NODE_ENV: 'production' }, 'NODE_ENV=production'],
      [{ REDIS_URL: 'redis://127.0.0.1:6390' }, 'a Redis store is configured (redis)'],
      [{ REDIS_CLUSTER_NODES: '127.0.0.1:7000' }, 'a Redis store is configured (cluster)'],
      [{ HOST: '0.0.0.0' }, 'HOST=0.0.0.0 is not a loopback address'],
      [{ HOST: '10.1.2.3' }, 'HOST=10.1.2.3 is not a loopback address'],
    ])('refuses to start without JWT_SECRET when %j', (env, reason) => {
      const err = errorOf(env);
      expect(err?.variable).toBe('JWT_SECRET');
      expect(err?.message).toContain(reason);
    });

    it('stays the one-machine dev mode with nothing set: loopback, memory store, dev tokens', () => {
      const c = loadConfig({});
      expect(c.host).toBe('127.0.0.1');
      expect(c.auth).toMatchObject({ devMode: true, devTokens: true, devTokensOverridden: false });
      for (const host of ['localhost', '::1', '127.0.0.1', '127.8.9.10'])
        expect(loadConfig({ HOST: host }).auth.devMode).toBe(true);
    });

    it('listens on every interface by default once a secret is set', () => {
      expect(loadConfig({ JWT_SECRET: secret }).host).toBe('0.0.0.0');
    });

    it.each([
      [{ JWT_SECRET: secret, DEV_TOKENS: '1', REDIS_URL: 'redis://127.0.0.1:6390' }, 'a Redis store'],
      [{ JWT_SECRET: secret, DEV_TOKENS: '1' }, 'HOST=0.0.0.0'],
    ])('refuses dev tokens on an exposed node without the override: %j', (env, reason) => {
      const err = errorOf(env);
      expect(err?.variable).toBe('DEV_TOKENS');
      expect(err?.message).toContain(reason);
      expect(err?.message).toContain('UNSAFE_DEV_TOKENS=1');
    });

    it('serves dev tokens on an exposed test deployment only with UNSAFE_DEV_TOKENS=1, flagged for the log', () => {
      const c = loadConfig({
        JWT_SECRET: secret,
        DEV_TOKENS: '1',
        UNSAFE_DEV_TOKENS: '1',
        REDIS_URL: 'redis://127.0.0.1:6390',
      });
      expect(c.auth).toMatchObject({ devTokens: true, devTokensOverridden: true });
    });

    it('never serves dev tokens in production, override or not', () => {
      const prod = { NODE_ENV: 'production', JWT_SECRET: secret, METRICS_TOKEN: 'scrape-token-0123' };
      expect(loadConfig(prod).auth.devTokens).toBe(false);
      expect(errorOf({ ...prod, DEV_TOKENS: '1' })?.variable).toBe('DEV_TOKENS');
      expect(errorOf({ ...prod, DEV_TOKENS: '1', UNSAFE_DEV_TOKENS: '1' })?.variable).toBe('DEV_TOKENS');
      expect(errorOf({ ...prod, UNSAFE_DEV_TOKENS: '1' })?.variable).toBe('UNSAFE_DEV_TOKENS');
    });

    it('requires METRICS_TOKEN in production', () => {
      const err = errorOf({ NODE_ENV: 'production', JWT_SECRET: secret });
      expect(err?.variable).toBe('METRICS_TOKEN');
    });
  });
});

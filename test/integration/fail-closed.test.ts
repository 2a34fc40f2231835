/**
 * The real entry point refuses to start where others could reach it without a secret
 * (issue 23): it prints why, naming the variable, and exits non-zero before listening.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function start(env: Record<string, string>): { status: number | null; stderr: string } {
  const { PATH, HOME } = process.env;
  const result = spawnSync('node', ['--conditions=rp-source', '--import', 'tsx', 'server/main.ts'], {
    env: { PATH: PATH ?? '', HOME: HOME ?? '', PORT: '0', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('fail-closed start', () => {
  it.each([
    [{ NODE_ENV: 'production', HOST: '127.0.0.1' }, 'NODE_ENV=production'],
    [{ REDIS_URL: 'redis://127.0.0.1:1' }, 'a Redis store is configured'],
    [{ HOST: '0.0.0.0' }, 'HOST=0.0.0.0 is not a loopback address'],
  ])('%j without JWT_SECRET: exits 1 and says why', (env, reason) => {
    const { status, stderr } = start(env);
    expect(status).toBe(1);
    expect(stderr).toContain('configuration error: JWT_SECRET');
    expect(stderr).toContain(reason);
  });

  it('refuses DEV_TOKENS=1 in production even with a secret', () => {
    const { status, stderr } = start({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-long-enough-secret',
      METRICS_TOKEN: 'scrape-token-0123',
      DEV_TOKENS: '1',
    });
    expect(status).toBe(1);
    expect(stderr).toContain('configuration error: DEV_TOKENS');
  });
});

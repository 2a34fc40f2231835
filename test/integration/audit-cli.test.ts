import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCommand } from '../../server/cli/audit-command.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../helpers/test-server.js';

describe('npm run audit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('reports a balanced audit with a token signed from JWT_SECRET', async () => {
    await server.mint('cli-user', 1234);
    const { exitCode, output } = await runAuditCommand(['--url', server.url], { JWT_SECRET: TEST_SECRET });
    expect(exitCode).toBe(0);
    expect(output).toContain('"minted": 1234');
    expect(output).toContain('BALANCED');
  });

  it('gets a dev token when no secret is given', async () => {
    expect((await runAuditCommand(['--url', server.url], {})).exitCode).toBe(0);
  });

  it('fails clearly with a bad token or an unreachable server', async () => {
    const bad = await runAuditCommand(['--url', server.url, '--token', 'nope'], {});
    expect(bad).toEqual({ exitCode: 2, output: 'audit failed: UNAUTHORIZED: invalid or expired token' });
    const gone = await runAuditCommand(['--url', 'http://127.0.0.1:1'], { JWT_SECRET: TEST_SECRET });
    expect(gone.exitCode).toBe(2);
    expect((await runAuditCommand(['--bogus'], {})).exitCode).toBe(2);
  });
});

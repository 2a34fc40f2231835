/**
 * Starts a real server on port 0 (uWS, memory store unless given one) and hands out SDK
 * clients, tokens and HTTP helpers bound to it. Everything it opens, `close()` closes.
 */
import { expect } from 'vitest';
import type { AckError, AuditReport } from '../../shared/protocol.js';
import type { Role } from '../../shared/schemas.js';
import { RedPacketClient, type RedPacketClientOptions } from '../../shared/sdk/index.js';
import { startApp, type AppOverrides, type RunningApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';

/** A JSON response as tests read it: an error body, or the route's result. */
export interface HttpResult {
  status: number;
  body: { error?: AckError } & Record<string, unknown>;
}

export const TEST_SECRET = 'test-secret-0123456789abcdef';

export interface TestServer {
  app: RunningApp;
  url: string;
  token(userId: string, role?: Role, name?: string): Promise<string>;
  /** A connected SDK client for `userId`. */
  client(userId: string, role?: Role, options?: Partial<RedPacketClientOptions>): Promise<RedPacketClient>;
  http(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string },
  ): Promise<HttpResult>;
  /** Mints test money through the admin HTTP route. */
  mint(userId: string, amount: number): Promise<number>;
  audit(): Promise<AuditReport>;
  /** Asserts the conservation audit is balanced and returns it. */
  expectBalanced(): Promise<AuditReport>;
  close(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_SECRET,
    DEV_TOKENS: '1',
    LOG_LEVEL: 'silent',
    // Tests drive rates deliberately; the limiter has its own test.
    RATE_LIMIT_EVENTS_PER_SEC: '100000',
    RATE_LIMIT_EVENTS_BURST: '100000',
    RATE_LIMIT_CHAT_PER_SEC: '10000',
    ...env,
  });
  const app = await startApp(config, overrides);
  const clients: RedPacketClient[] = [];
  const token = (userId: string, role: Role = 'user', name = userId): Promise<string> =>
    app.tokens.sign({ userId, name, role });
  const http: TestServer['http'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let parsed: HttpResult['body'] = { text };
    try {
      parsed = JSON.parse(text) as HttpResult['body'];
    } catch {
      // not JSON (metrics, the page): the text is in body.text
    }
    return { status: res.status, body: parsed };
  };
  let adminToken: string | undefined;
  const admin = async (): Promise<string> => (adminToken ??= await token('test-admin', 'admin'));
  const audit = async (): Promise<AuditReport> => {
    const res = await http('GET', '/v1/admin/audit', { token: await admin() });
    expect(res.status).toBe(200);
    return res.body as unknown as AuditReport;
  };
  return {
    app,
    url: app.url,
    token,
    http,
    async client(userId, role = 'user', options = {}) {
      const c = new RedPacketClient({
        url: app.url,
        token: await token(userId, role),
        wireFormat: app.config.wireFormat,
        ...options,
      });
      clients.push(c);
      await c.connect();
      return c;
    },
    async mint(userId, amount) {
      const res = await http('POST', `/v1/admin/wallets/${userId}/credit`, {
        token: await admin(),
        body: { amount },
      });
      expect(res.status).toBe(200);
      return (res.body as { balance: number }).balance;
    },
    audit,
    async expectBalanced() {
      const report = await audit();
      expect(report).toMatchObject({ balanced: true, difference: 0, doubleClaims: 0, ledgerMismatches: 0 });
      return report;
    },
    async close() {
      for (const c of clients) c.close();
      await app.close();
    },
  };
}

/**
 * Starts a real server in this process on port 0 (uWS, memory store unless the env names
 * Redis) and binds the game helpers to it. Everything it opens, `close()` closes.
 */
import type { AuditReport } from '@red-packet/sdk/protocol';
import type { Role } from '@red-packet/sdk/schemas';
import type { RedPacketClient, RedPacketClientOptions } from '@red-packet/sdk';
import { startApp, type AppOverrides, type RunningApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { gameApi, TEST_SECRET, type HttpResult } from './game-api.js';
import { RISK_RULES_OFF } from './risk-off.js';

export { TEST_SECRET, type HttpResult };

/** Env every test server gets: a known secret, quiet logs, rate limits out of the way. */
export const TEST_ENV: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  JWT_SECRET: TEST_SECRET,
  DEV_TOKENS: '1',
  // Test servers share a Redis: the override that allows dev tokens there (never in production).
  UNSAFE_DEV_TOKENS: '1',
  LOG_LEVEL: 'silent',
  // No built page unless a test asks for one (the browser test points at dist/web).
  WEB_DIR: 'test/helpers/no-web-build',
  // Tests drive rates deliberately; the limiter has its own test.
  RATE_LIMIT_EVENTS_PER_SEC: '100000',
  RATE_LIMIT_EVENTS_BURST: '100000',
  RATE_LIMIT_CHAT_PER_SEC: '10000',
  RATE_LIMIT_USER_PER_SEC: '100000',
  RATE_LIMIT_USER_BURST: '100000',
  // Connection caps and HTTP rates off (0): tests open many sockets and requests from one
  // address; test/integration/public-limits.test.ts turns each on.
  RATE_LIMIT_HTTP_IP_PER_SEC: '0',
  RATE_LIMIT_HTTP_USER_PER_SEC: '0',
  WS_MAX_PER_IP: '0',
  WS_MAX_PER_USER: '0',
  // Risk rules off (0) unless a test turns one on: tests send and grab far past daily habits.
  ...RISK_RULES_OFF,
};

export interface TestServer {
  app: RunningApp;
  url: string;
  token(userId: string, role?: Role, name?: string): Promise<string>;
  client(userId: string, role?: Role, options?: Partial<RedPacketClientOptions>): Promise<RedPacketClient>;
  http(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string },
  ): Promise<HttpResult>;
  mint(userId: string, amount: number): Promise<number>;
  audit(): Promise<AuditReport>;
  expectBalanced(): Promise<AuditReport>;
  close(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestServer> {
  const app = await startApp(loadConfig({ ...TEST_ENV, ...env }), overrides);
  const api = gameApi(app.config.wireFormat);
  const url = app.url;
  return {
    app,
    url,
    token: (userId, role, name) => api.token(userId, role, name),
    client: (userId, role, options) => api.client(url, userId, role, options),
    http: (method, path, options) => api.http(url, method, path, options),
    mint: (userId, amount) => api.mint(url, userId, amount),
    audit: () => api.audit(url),
    expectBalanced: () => api.expectBalanced(url),
    async close() {
      api.closeClients();
      await app.close();
    },
  };
}

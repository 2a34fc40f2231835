/**
 * Test helpers bound to a running deployment (one URL or several nodes): SDK clients, tokens
 * signed with the shared secret, HTTP calls, test money and the audit. Everything it opens,
 * `closeClients()` closes.
 */
import { expect } from 'vitest';
import type { AckError, AuditReport } from '@red-packet/sdk/protocol';
import type { Role } from '@red-packet/sdk/schemas';
import { RedPacketClient, type RedPacketClientOptions, type WireFormat } from '@red-packet/sdk';
import { TokenService } from '../../server/auth/tokens.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

/** A JSON response as tests read it: an error body, or the route's result. */
export interface HttpResult {
  status: number;
  body: { error?: AckError } & Record<string, unknown>;
}

export interface GameApi {
  token(userId: string, role?: Role, name?: string): Promise<string>;
  /** A connected SDK client for `userId` on `url`. */
  client(
    url: string,
    userId: string,
    role?: Role,
    options?: Partial<RedPacketClientOptions>,
  ): Promise<RedPacketClient>;
  http(
    url: string,
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string },
  ): Promise<HttpResult>;
  /** Mints test money through the admin HTTP route. */
  mint(url: string, userId: string, amount: number): Promise<number>;
  audit(url: string): Promise<AuditReport>;
  /** Asserts the conservation audit is balanced and returns it. */
  expectBalanced(url: string): Promise<AuditReport>;
  closeClients(): void;
}

export function gameApi(wireFormat: WireFormat = 'msgpack', secret = TEST_SECRET): GameApi {
  const tokens = new TokenService(secret);
  const clients: RedPacketClient[] = [];
  const token = (userId: string, role: Role = 'user', name = userId): Promise<string> =>
    tokens.sign({ userId, name, role });
  let adminToken: Promise<string> | undefined;
  const admin = (): Promise<string> => (adminToken ??= token('test-admin', 'admin'));

  const http: GameApi['http'] = async (url, method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: HttpResult['body'] = { text };
    try {
      parsed = JSON.parse(text) as HttpResult['body'];
    } catch {
      // not JSON (metrics, the page): the text is in body.text
    }
    return { status: res.status, body: parsed };
  };

  const audit = async (url: string): Promise<AuditReport> => {
    const res = await http(url, 'GET', '/v1/admin/audit', { token: await admin() });
    expect(res.status).toBe(200);
    return res.body as unknown as AuditReport;
  };

  return {
    token,
    http,
    audit,
    async client(url, userId, role = 'user', options = {}) {
      const c = new RedPacketClient({ url, token: await token(userId, role), wireFormat, ...options });
      clients.push(c);
      await c.connect();
      return c;
    },
    async mint(url, userId, amount) {
      const res = await http(url, 'POST', `/v1/admin/wallets/${userId}/credit`, {
        token: await admin(),
        body: { amount },
      });
      expect(res.status).toBe(200);
      return (res.body as { balance: number }).balance;
    },
    async expectBalanced(url) {
      const report = await audit(url);
      expect(report).toMatchObject({ balanced: true, difference: 0, doubleClaims: 0, ledgerMismatches: 0 });
      return report;
    },
    closeClients() {
      for (const c of clients.splice(0)) c.close();
    },
  };
}

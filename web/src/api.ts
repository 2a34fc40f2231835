/** The HTTP API as the page uses it. */
import type { AckError, MeResponse, PacketDetails, RainDetails } from '@red-packet/sdk';
import type { RainReport } from '@red-packet/sdk/rain-fairness';
import { isErrorCode, RedPacketError } from '@red-packet/sdk';

export type PageRole = 'user' | 'host' | 'admin';

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as T | { error: AckError };
  if (!res.ok || (typeof json === 'object' && json !== null && 'error' in json)) {
    const error = (json as { error?: AckError }).error;
    throw new RedPacketError(
      error && isErrorCode(error.code) ? error.code : 'INTERNAL',
      error?.message ?? `HTTP ${res.status}`,
      {
        ...(error?.limit !== undefined ? { limit: error.limit } : {}),
        ...(error?.resetAt !== undefined ? { resetAt: error.resetAt } : {}),
        ...(error?.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      },
    );
  }
  return json;
}

export const api = {
  devToken: (userId: string, name: string, role: PageRole) =>
    call<{ token: string }>('POST', '/v1/dev/token', null, { userId, name, role }).then((r) => r.token),
  me: (token: string) => call<MeResponse>('GET', '/v1/me', token),
  mint: (adminToken: string, userId: string, amount: number) =>
    call<{ balance: number }>('POST', `/v1/admin/wallets/${encodeURIComponent(userId)}/credit`, adminToken, {
      amount,
    }),
  packet: (token: string, packetId: string) =>
    call<PacketDetails>('GET', `/v1/packets/${encodeURIComponent(packetId)}`, token),
  rain: (token: string, rainId: string) =>
    call<RainDetails>('GET', `/v1/rains/${encodeURIComponent(rainId)}`, token),
  risk: (adminToken: string) => call<RiskOverview>('GET', '/v1/admin/risk', adminToken),
  ban: (adminToken: string, userId: string, reason: string) =>
    call<object>('POST', `/v1/admin/users/${encodeURIComponent(userId)}/ban`, adminToken, {
      ...(reason ? { reason } : {}),
    }),
  unban: (adminToken: string, userId: string) =>
    call<object>('POST', `/v1/admin/users/${encodeURIComponent(userId)}/unban`, adminToken),
  clearFlag: (adminToken: string, flagId: string) =>
    call<object>('POST', `/v1/admin/risk/flags/${encodeURIComponent(flagId)}/clear`, adminToken),
  rainReport: (token: string, rainId: string) =>
    call<RainReport>('GET', `/v1/rains/${encodeURIComponent(rainId)}/report`, token),
};

/** GET /v1/admin/risk (docs/protocol.md, "Risk control"). */
export interface RiskOverview {
  day: string;
  resetAt: number;
  flags: { id: string; rule: string; userIds: string[]; evidence: Record<string, unknown>; at: number }[];
  breakers: { userId: string; until: number; flagId: string }[];
  bans: { userId: string; reason: string; by: string; at: number }[];
  top: { senders: { userId: string; fen: number }[]; receivers: { userId: string; fen: number }[] };
}

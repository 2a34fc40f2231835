/**
 * RedPacketHttp: the HTTP routes of code packets and receive codes as typed methods, for the
 * page, tests and load tests (fetch: browsers and Node 20+). Errors reject with RedPacketError
 * carrying the server's code, as the socket methods do.
 *
 *   const http = new RedPacketHttp({ url, token });
 *   const { code } = await http.packetCode(packetId);     // sender: show it as a QR
 *   await new RedPacketHttp({ url, token: other }).claim(code);
 */
import { isErrorCode } from '../codes.js';
import type {
  AckError,
  ClaimLocation,
  NearbyResult,
  PacketCodeView,
  PacketView,
  ReceiveCodeInfo,
  ReceiveCodeView,
} from '../protocol.js';
import type { ReceiveCodeBody, ReceivePayBody } from '../schemas.js';
import { errorDetails, RedPacketError } from './errors.js';

export interface RedPacketHttpOptions {
  /** Server base URL, e.g. `http://localhost:3000` ('' for the page's own origin). */
  url: string;
  /** JWT, or a function giving the current one. */
  token: string | (() => string);
}

export class RedPacketHttp {
  constructor(private readonly options: RedPacketHttpOptions) {}

  /** Sends one request; resolves with the JSON body or rejects with the server's error code. */
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { token, url } = this.options;
    const headers: Record<string, string> = {
      authorization: `Bearer ${typeof token === 'function' ? token() : token}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new RedPacketError('CONNECT_FAILED', err instanceof Error ? err.message : String(err));
    }
    const json = (await res.json().catch(() => ({}))) as T | { error?: AckError };
    if (!res.ok) {
      const error = (json as { error?: AckError }).error;
      throw new RedPacketError(
        error && isErrorCode(error.code) ? error.code : 'INTERNAL',
        error?.message ?? `HTTP ${res.status}`,
        error ? errorDetails(error) : {},
      );
    }
    return json as T;
  }

  /** The current rotating code of a code packet you sent. */
  packetCode(packetId: string): Promise<PacketCodeView> {
    return this.call('GET', `/v1/packets/${encodeURIComponent(packetId)}/code`);
  }

  /** A static code of a code packet you sent, valid `ttlMs` (default: until the packet expires). */
  staticCode(packetId: string, ttlMs?: number): Promise<PacketCodeView> {
    return this.call(
      'POST',
      `/v1/packets/${encodeURIComponent(packetId)}/static-code`,
      ttlMs === undefined ? {} : { ttlMs },
    );
  }

  /** Claims a share of a code packet with one of its codes (as `code:claim`; a fenced one needs `location`). */
  claim(
    code: string,
    options: { location?: ClaimLocation } = {},
  ): Promise<{ packetId: string; amount: number; remaining: number }> {
    return this.call(
      'POST',
      '/v1/claims',
      options.location ? { code, location: options.location } : { code },
    );
  }

  /** Open location-fenced packets near a point, nearest first (as `packet:nearby`). */
  nearby(search: { lat: number; lng: number; radiusM?: number; limit?: number }): Promise<NearbyResult> {
    const query = new URLSearchParams({ lat: String(search.lat), lng: String(search.lng) });
    if (search.radiusM !== undefined) query.set('radiusM', String(search.radiusM));
    if (search.limit !== undefined) query.set('limit', String(search.limit));
    return this.call('GET', `/v1/packets/nearby?${query.toString()}`);
  }

  /** Your current receive code (made on first use). */
  receiveCode(): Promise<ReceiveCodeView> {
    return this.call('GET', '/v1/me/receive-code');
  }

  /** A new receive code (optionally a fixed amount and a note); the old one is revoked. */
  renewReceiveCode(body: ReceiveCodeBody = {}): Promise<ReceiveCodeView> {
    return this.call('POST', '/v1/me/receive-code', body);
  }

  /** Whose a scanned receive code is, and what it asks. */
  resolveReceiveCode(code: string): Promise<ReceiveCodeInfo> {
    return this.call('GET', `/v1/receive-codes/${encodeURIComponent(code)}`);
  }

  /** Pays a receive code's owner an exclusive packet from your wallet. */
  payReceiveCode(body: ReceivePayBody): Promise<{ packet: PacketView }> {
    return this.call('POST', '/v1/receive-codes/pay', body);
  }

  /** Opens an exclusive packet paid to your receive code (as `packet:open`). */
  openPacket(packetId: string): Promise<{ amount: number; remaining: number }> {
    return this.call('POST', `/v1/packets/${encodeURIComponent(packetId)}/open`);
  }

  /** Exclusive packets paid to you and not opened yet, newest first. */
  received(): Promise<{ packets: PacketView[] }> {
    return this.call('GET', '/v1/me/received');
  }
}

/**
 * Compact HS256 JWTs with node:crypto, synchronously. The handshake of every
 * socket verifies a token; through jose's WebCrypto path that cost an async key import and a
 * thread-pool job per token (a fifth of a node's CPU in a reconnect storm), where one HMAC
 * with a prepared key costs a few microseconds.
 *
 * Contract: returns the payload only if the token is exactly three base64url parts, its
 * header names `alg: "HS256"` with no `crit` (no extensions are understood) and no `b64`
 * (RFC 7797 is not supported), its signature is the HMAC-SHA256 of the first two parts under
 * `key` (compared in constant time), and its payload is a JSON object whose `exp` (required)
 * is a number later than `nowSec`, whose `nbf` (optional) is a number not later than
 * `nowSec`, and whose `iat` (optional) is a number. Anything else returns null; it never
 * throws. Which claims mean what (sub, name, role…) is the caller's business.
 */
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

const PART = /^[A-Za-z0-9_-]+$/;

const decodeJsonObject = (part: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
};

/** Signs `payload` as a compact HS256 JWT (header `{ alg: 'HS256', typ: 'JWT' }`). */
export function signHs256(payload: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function verifyHs256(token: string, key: KeyObject, nowSec: number): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, signature] = parts as [string, string, string];
  if (!PART.test(head) || !PART.test(body) || !PART.test(signature)) return null;

  const header = decodeJsonObject(head);
  if (!header || header.alg !== 'HS256' || 'crit' in header || 'b64' in header) return null;

  const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;

  const payload = decodeJsonObject(body);
  if (!payload) return null;
  const { exp, nbf, iat } = payload;
  if (!isNumber(exp) || exp <= nowSec) return null;
  if (nbf !== undefined && (!isNumber(nbf) || nbf > nowSec)) return null;
  if (iat !== undefined && !isNumber(iat)) return null;
  return payload;
}

/**
 * The client's address for risk control: the socket's peer, or — only when the peer is one of
 * TRUSTED_PROXIES — the nearest untrusted hop of X-Forwarded-For (read right to left, so a
 * client cannot spoof it by sending its own header through a trusted proxy).
 */

/** `::ffff:1.2.3.4` and uWS's long form of a v4-mapped address become `1.2.3.4`. */
export function normalizeAddress(raw: string): string {
  const text = raw.trim().toLowerCase();
  const dotted = /^(?:0{0,4}:){2,5}ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:0{0,4}:){2,5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (hex?.[1] && hex[2]) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return text;
}

function ipv4ToInt(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** True when `address` is one of `trusted` (exact addresses, or IPv4 `a.b.c.d/n` ranges). */
export function isTrusted(address: string, trusted: readonly string[]): boolean {
  const ip = ipv4ToInt(address);
  return trusted.some((entry) => {
    const [base = '', bitsText] = entry.split('/');
    if (bitsText === undefined) return normalizeAddress(base) === address;
    const baseInt = ipv4ToInt(base);
    if (ip === null || baseInt === null) return false;
    const bits = Number(bitsText);
    if (bits === 0) return true;
    const mask = 2 ** 32 - 2 ** (32 - bits);
    return (ip & mask) >>> 0 === (baseInt & mask) >>> 0;
  });
}

export function clientAddress(
  peer: string,
  forwardedFor: string | string[] | undefined,
  trusted: readonly string[],
): string {
  let current = normalizeAddress(peer);
  if (trusted.length === 0 || forwardedFor === undefined) return current;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((h) => normalizeAddress(h));
  while (isTrusted(current, trusted) && hops.length > 0) {
    const hop = hops.pop() ?? '';
    // Addresses only: a hop that is not one ends the walk (nothing else reaches the store).
    if (!/^[0-9a-f:.]{2,64}$/.test(hop)) break;
    current = hop;
  }
  return current;
}

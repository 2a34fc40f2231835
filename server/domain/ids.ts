import { randomBytes } from 'node:crypto';

/** An unguessable id: a prefix and 96 random bits, URL-safe. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** The claim id of a (packet, user) pair: unique by construction, so payable once. */
export function packetClaimId(packetId: string, userId: string): string {
  return `claim:${packetId}:${userId}`;
}

/** The claim id of a packet's expiry refund to its sender: one per packet. */
export function packetRefundId(packetId: string): string {
  return `refund:${packetId}`;
}

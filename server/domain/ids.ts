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
export function dropClaimId(rainId: string, dropId: string, userId: string): string {
  return `drop:${rainId}:${dropId}:${userId}`;
}

/** The drop a drop claim id names (dropClaimId), null for any other claim id. */
export function dropOfClaimId(claimId: string): string | null {
  const [kind, , dropId] = claimId.split(':', 3);
  return kind === 'drop' && dropId ? dropId : null;
}

/** The claim id of a rain's end refund to its host: one per rain. */
export function rainRefundId(rainId: string): string {
  return `rain-refund:${rainId}`;
}

/** Rain ids carry this prefix (packets: `pk_`), so a funding hold or outbox names its kind. */
export const RAIN_ID_PREFIX = 'rn_';

/**
 * The escrow seam: holds, tombstones and outboxes belong to a *funded source*, a packet or a
 * rain, and its id says which. Only the escrow and audit parts of the store ask.
 */
export type FundedSource = 'packet' | 'rain';

export const fundedSourceOf = (id: string): FundedSource =>
  id.startsWith(RAIN_ID_PREFIX) ? 'rain' : 'packet';

/**
 * A packet as a send creates it, and what its claims owe: the record built from a checked
 * spec (its opening, expiry, claim rule and fence), the credit a claim pays and its ledger
 * rows. Pure: no store, no clock of its own.
 */
import type { UserRef } from '@red-packet/sdk/protocol';
import type { PacketSpec } from '@red-packet/sdk/schemas';
import { newId } from '../../domain/ids.js';
import { resolveOpening } from '../../domain/packet-opening.js';
import { claimAndCreditRows, type LedgerRow } from '../../store/ledger/index.js';
import type { ClaimRecord, Credit, PacketRecord } from '../../store/store.js';
import type { PacketServiceDeps, SendOptions } from './packet-service-types.js';

/**
 * The record of a packet `sender` sends to `roomId` at `now`, holding `total` fen: open (a
 * timed packet opens at its opening time), with the caller's claim rule over the spec's, and
 * the spec's fence unless the caller's rule decides who claims.
 */
export function packetRecordOf(
  sender: UserRef,
  roomId: string,
  spec: PacketSpec,
  total: number,
  now: number,
  limits: PacketServiceDeps['limits'],
  options: SendOptions,
): PacketRecord {
  const { opensAt, expiresAt } = resolveOpening(spec, now, limits.packetMaxOpenDelayMs, limits.packetTtlMs);
  const record: PacketRecord = {
    id: options.id ?? newId('pk'),
    roomId,
    senderId: sender.userId,
    senderName: sender.name,
    kind: spec.kind,
    total,
    count: spec.count,
    greeting: spec.greeting ?? '',
    createdAt: now,
    opensAt,
    expiresAt,
    status: 'open',
    remainingCount: spec.count,
    remainingAmount: total,
    bestLuck: null,
    unlock: spec.unlock ?? null,
  };
  const claim = options.claim ?? (spec.claim?.type === 'code' ? spec.claim : undefined);
  if (claim) record.claim = claim;
  if (spec.fence && !options.claim) record.fence = { ...spec.fence };
  return record;
}

/** The credit a packet claim owes its grabber (the store's outbox credit, or the one it applied). */
export const creditOf = (claim: ClaimRecord): Credit => ({
  claimId: claim.claimId,
  userId: claim.userId,
  amount: claim.amount,
  sourceId: claim.packetId,
  reason: 'grab',
  at: claim.at,
});

/**
 * A claim's ledger rows: the claim and its credit entry. PostgreSQL records the credit even
 * where the wallet is credited after the claim (Cluster): the outbox and the reconciler bring
 * Redis up to it, never the other way round.
 */
export const claimLedgerRows = (claim: ClaimRecord): LedgerRow[] => claimAndCreditRows(creditOf(claim));

/**
 * What the ledger records, as rows: a wallet movement (entry), a claim a packet or rain owes,
 * a funded packet, a funded rain. Every row carries its own unique id, derived from the id
 * of the step that made it (domain/ids.ts), so writing it again is a no-op: the builders
 * below are the one place those ids are derived. Amounts are integer fen.
 */
import type { PacketRecord } from '../packets/packet-store.js';
import type { RainRecord } from '../rains/rain-store.js';
import type { Credit, Hold, LedgerKind } from '../wallets/wallet-store.js';
import { MalformedRowError } from './ledger-errors.js';

/** One wallet movement; `amount` is signed (a hold is negative). */
export interface EntryRow {
  table: 'entry';
  userId: string;
  kind: LedgerKind;
  /** mint id, hold id or claim id. */
  ref: string;
  amount: number;
  at: number;
}

/** Money a packet or rain owes a user (a Credit); its entry `credit:<claimId>` pays it. */
export interface ClaimRow {
  table: 'claim';
  claimId: string;
  sourceId: string;
  /** The drop of a rain share (reason `drop`), null otherwise. */
  dropId: string | null;
  userId: string;
  amount: number;
  reason: Credit['reason'];
  at: number;
}

export interface PacketRow {
  table: 'packet';
  packetId: string;
  senderId: string;
  roomId: string;
  total: number;
  /** The funded shares, in the order the store pops them. */
  shares: number[];
  expiresAt: number;
  at: number;
  /** The record as created, kept whole to rebuild Redis. */
  record: object;
}

export interface RainRow {
  table: 'rain';
  rainId: string;
  hostId: string;
  roomId: string;
  total: number;
  drops: { dropId: string; shares: number[] }[];
  at: number;
  record: object;
}

export type LedgerRow = EntryRow | ClaimRow | PacketRow | RainRow;

/**
 * An entry's primary key. Hold, release and credit refs are unique across wallets (hold id =
 * the packet or rain id; claim ids name their user); mint ids are the caller's idempotency
 * keys, unique per wallet only, so a mint's key names the wallet too.
 */
export function entryIdOf(row: Pick<EntryRow, 'kind' | 'userId' | 'ref'>): string {
  return row.kind === 'mint' ? `mint:${row.userId}:${row.ref}` : `${row.kind}:${row.ref}`;
}

/** The unique id of any row (its table's primary key). */
export function rowIdOf(row: LedgerRow): string {
  switch (row.table) {
    case 'entry':
      return entryIdOf(row);
    case 'claim':
      return row.claimId;
    case 'packet':
      return row.packetId;
    case 'rain':
      return row.rainId;
  }
}

export const mintRows = (userId: string, amount: number, mintId: string, at: number): LedgerRow[] => [
  { table: 'entry', userId, kind: 'mint', ref: mintId, amount, at },
];

/** wallets.hold: the debit. */
export const holdRows = (hold: Hold): LedgerRow[] => [
  { table: 'entry', userId: hold.userId, kind: 'hold', ref: hold.holdId, amount: -hold.amount, at: hold.at },
];

/** wallets.releaseHold: the hold's money back. */
export const releaseRows = (hold: Hold, at: number): LedgerRow[] => [
  { table: 'entry', userId: hold.userId, kind: 'release', ref: hold.holdId, amount: hold.amount, at },
];

/** packets.createPacket: the packet and its funded shares (settling its hold). */
export const packetRows = (packet: PacketRecord, shares: number[]): LedgerRow[] => [
  {
    table: 'packet',
    packetId: packet.id,
    senderId: packet.senderId,
    roomId: packet.roomId,
    total: packet.total,
    shares,
    expiresAt: packet.expiresAt,
    at: packet.createdAt,
    record: packet,
  },
];

/** rains.createRain: the rain and every drop's funded shares. */
export const rainRows = (rain: RainRecord, drops: { dropId: string; shares: number[] }[]): LedgerRow[] => [
  {
    table: 'rain',
    rainId: rain.id,
    hostId: rain.hostId,
    roomId: rain.roomId,
    total: rain.total,
    drops,
    at: rain.createdAt,
    record: rain,
  },
];

/** A claim or refund recorded (packets.grab, expirePacket, cancelPacket, rains.grabDrop, endRain). */
export const claimRows = (credit: Credit, dropId: string | null = null): LedgerRow[] => [
  { table: 'claim', ...credit, dropId },
];

/** wallets.applyCredit: the credit landed in the wallet. */
export const creditRows = (credit: Credit): LedgerRow[] => [
  {
    table: 'entry',
    userId: credit.userId,
    kind: 'credit',
    ref: credit.claimId,
    amount: credit.amount,
    at: credit.at,
  },
];

/** A claim whose credit lands in the same step (grabAndCredit `credited: true`). */
export const claimAndCreditRows = (credit: Credit, dropId: string | null = null): LedgerRow[] => [
  ...claimRows(credit, dropId),
  ...creditRows(credit),
];

const TABLES: ReadonlySet<string> = new Set<LedgerRow['table']>(['entry', 'claim', 'packet', 'rain']);

const isRow = (v: unknown): v is LedgerRow =>
  typeof v === 'object' && v !== null && 'table' in v && typeof v.table === 'string' && TABLES.has(v.table);

/**
 * The rows a hold carried (Hold.ledger: Payments.fund wrote them with the builders above), for
 * the reconciler to commit. Throws MalformedRowError on anything else.
 */
export function decodeLedgerRows(json: string): LedgerRow[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every(isRow))
    throw new MalformedRowError("a hold's ledger rows: not rows");
  return value;
}

/**
 * What a restore of Redis from the ledger reads (restore.ts): every wallet's entries and
 * holds, every open packet with its claims and every running rain (restore-rains.ts), in one
 * snapshot; and `finishCredits`, which
 * commits the credit entries of claims still in flight first, so the snapshot has none.
 */
import type pg from 'pg';
import { col, fen, fenArray, jsonObject, millis, text } from './ledger-decode.js';
import { MalformedRowError, toLedgerError } from './ledger-errors.js';
import { remainingShares, snapshot } from './ledger-reads.js';
import { readOpenRains, type RestoreRain } from './restore-rains.js';
import type { LedgerKind } from '../wallets/wallet-store.js';

type Row = Record<string, unknown>;

export interface RestoreEntry {
  userId: string;
  kind: LedgerKind;
  ref: string;
  amount: number;
  at: number;
}

export interface RestoreHold {
  holdId: string;
  userId: string;
  amount: number;
  at: number;
  state: 'held' | 'settled' | 'released';
}

export interface RestoreClaim {
  claimId: string;
  userId: string;
  amount: number;
  at: number;
}

export interface RestorePacket {
  packetId: string;
  /** The PacketRecord as created (decode it before use). */
  record: Record<string, unknown>;
  expiresAt: number;
  createdAt: number;
  /** Open: shares left, no refund; finished: every share claimed; expired: refunded. */
  status: 'open' | 'finished' | 'expired';
  remainingShares: number[];
  /** Its grabs, oldest first. */
  claims: RestoreClaim[];
}

export interface RestoreSnapshot {
  /** Every entry, by wallet, oldest first within one. */
  entries: RestoreEntry[];
  holds: RestoreHold[];
  /** Packets with shares left and no refund, and recent closed ones. */
  packets: RestorePacket[];
  /** Rains without their end refund, with their drops and drop claims. */
  rains: RestoreRain[];
}

const KINDS = ['mint', 'hold', 'release', 'credit'] as const;
const STATES = ['held', 'settled', 'released'] as const;
const pick = <const T extends string>(value: string, options: readonly T[]): T => {
  const found = options.find((o) => o === value);
  if (!found) throw new MalformedRowError(`unexpected ${value}`);
  return found;
};

/**
 * Commits `credit:<claimId>` for every claim that has no credit entry yet (what the
 * reconciler does for an outbox credit; PostgreSQL is written before Redis). Idempotent.
 * Returns how many it wrote.
 */
export async function finishCredits(pool: pg.Pool): Promise<number> {
  try {
    const result = await pool.query(`
      INSERT INTO ledger_entries (entry_id, user_id, kind, ref, amount, created_at)
      SELECT 'credit:' || c.claim_id, c.user_id, 'credit', c.claim_id, c.amount, c.created_at
      FROM claims c
      WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.entry_id = 'credit:' || c.claim_id)
      ON CONFLICT DO NOTHING`);
    return result.rowCount ?? 0;
  } catch (err) {
    throw toLedgerError(err);
  }
}

/**
 * Everything restore.ts writes to Redis, in one snapshot: closed packets only when created
 * after `closedSince` (ms), as Redis keeps a closed packet's claims for a while.
 */
export function restoreSnapshot(pool: pg.Pool, closedSince: number): Promise<RestoreSnapshot> {
  return snapshot(pool, async (client) => {
    const entries = await client.query<Row>(
      'SELECT user_id, kind, ref, amount, created_at FROM ledger_entries ORDER BY user_id, created_at, entry_id',
    );
    const holds = await client.query<Row>('SELECT hold_id, user_id, amount, created_at, state FROM holds');
    const packets = await client.query<Row>(
      `
      SELECT p.packet_id, p.record, p.expires_at, p.shares,
             coalesce(array_agg(c.amount ORDER BY c.created_at, c.claim_id)
                      FILTER (WHERE c.claim_id IS NOT NULL), '{}') AS claimed,
             coalesce(array_agg(c.claim_id ORDER BY c.created_at, c.claim_id)
                      FILTER (WHERE c.claim_id IS NOT NULL), '{}') AS claim_ids,
             coalesce(array_agg(c.user_id ORDER BY c.created_at, c.claim_id)
                      FILTER (WHERE c.claim_id IS NOT NULL), '{}') AS claim_users,
             coalesce(array_agg(c.created_at ORDER BY c.created_at, c.claim_id)
                      FILTER (WHERE c.claim_id IS NOT NULL), '{}') AS claim_ats,
             p.created_at,
             EXISTS (SELECT 1 FROM claims r WHERE r.source_id = p.packet_id AND r.reason = 'refund') AS refunded
      FROM packets p LEFT JOIN claims c ON c.source_id = p.packet_id AND c.reason = 'grab'
      WHERE p.created_at > $1
         OR NOT EXISTS (SELECT 1 FROM claims r WHERE r.source_id = p.packet_id AND r.reason = 'refund')
      GROUP BY p.packet_id
      ORDER BY p.created_at`,
      [new Date(closedSince)],
    );
    const rains = await readOpenRains(client);
    return {
      entries: entries.rows.map((r) => ({
        userId: text(col(r, 'user_id'), 'user_id'),
        kind: pick(text(col(r, 'kind'), 'kind'), KINDS),
        ref: text(col(r, 'ref'), 'ref'),
        amount: fen(col(r, 'amount'), 'amount'),
        at: millis(col(r, 'created_at'), 'created_at'),
      })),
      holds: holds.rows.map((r) => ({
        holdId: text(col(r, 'hold_id'), 'hold_id'),
        userId: text(col(r, 'user_id'), 'user_id'),
        amount: fen(col(r, 'amount'), 'amount'),
        at: millis(col(r, 'created_at'), 'created_at'),
        state: pick(text(col(r, 'state'), 'state'), STATES),
      })),
      packets: packets.rows.map(packetOf).filter((p) => p.status === 'open' || p.createdAt > closedSince),
      rains,
    };
  });
}

function packetOf(r: Row): RestorePacket {
  const claimed = fenArray(col(r, 'claimed'), 'claimed');
  const ids = textArray(col(r, 'claim_ids'), 'claim_ids');
  const users = textArray(col(r, 'claim_users'), 'claim_users');
  const ats = col(r, 'claim_ats');
  const times = Array.isArray(ats) ? ats.map((a: unknown) => millis(a, 'claim_ats')) : [];
  const refunded = col(r, 'refunded') === true;
  const left = remainingShares(fenArray(col(r, 'shares'), 'shares'), claimed);
  return {
    packetId: text(col(r, 'packet_id'), 'packet_id'),
    createdAt: millis(col(r, 'created_at'), 'created_at'),
    status: refunded ? 'expired' : left.length > 0 ? 'open' : 'finished',
    record: jsonObject(col(r, 'record'), 'record'),
    expiresAt: millis(col(r, 'expires_at'), 'expires_at'),
    remainingShares: refunded ? [] : left,
    claims: claimed.map((amount, i) => ({
      claimId: ids[i] ?? '',
      userId: users[i] ?? '',
      amount,
      at: times[i] ?? 0,
    })),
  };
}

function textArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new MalformedRowError(`${what}: not an array`);
  return value.map((v: unknown) => text(v, what));
}

/**
 * The ledger's writes, one multi-row statement per table (INSERT … SELECT FROM unnest(arrays)
 * ON CONFLICT DO NOTHING RETURNING id), and the reads that check a row already stored under
 * the same id says the same thing (its *signature*: every field but times and the record).
 * Run inside the writer's transaction (ledger-writer.ts).
 */
import type pg from 'pg';
import { col, fen, fenArray, nullableText, text } from './ledger-decode.js';
import {
  entryIdOf,
  type ClaimRow,
  type EntryRow,
  type LedgerRow,
  type PacketRow,
  type RainRow,
} from './ledger-rows.js';

const INSERT_PACKETS = `
  INSERT INTO packets (packet_id, sender_id, room_id, total, shares, expires_at, created_at, record)
  SELECT id, s, r, t, sh::int8[], to_timestamp(e / 1000.0), to_timestamp(a / 1000.0), rec::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::float8[], $7::float8[], $8::text[])
    AS x(id, s, r, t, sh, e, a, rec)
  ON CONFLICT DO NOTHING RETURNING packet_id AS id`;

const INSERT_RAINS = `
  INSERT INTO rains (rain_id, host_id, room_id, total, created_at, record)
  SELECT id, h, r, t, to_timestamp(a / 1000.0), rec::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::float8[], $6::text[]) AS x(id, h, r, t, a, rec)
  ON CONFLICT DO NOTHING RETURNING rain_id AS id`;

/** Only the drops of rains this statement's batch inserted (a known rain keeps its drops). */
const INSERT_DROPS = `
  INSERT INTO rain_drops (rain_id, drop_id, shares)
  SELECT id, d, sh::int8[] FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, d, sh)
  ON CONFLICT DO NOTHING`;

const INSERT_CLAIMS = `
  INSERT INTO claims (claim_id, source_id, drop_id, user_id, amount, reason, created_at)
  SELECT id, s, d, u, amt, r, to_timestamp(a / 1000.0)
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::float8[])
    AS x(id, s, d, u, amt, r, a)
  ON CONFLICT DO NOTHING RETURNING claim_id AS id`;

const INSERT_ENTRIES = `
  INSERT INTO ledger_entries (entry_id, user_id, kind, ref, amount, created_at)
  SELECT id, u, k, r, amt, to_timestamp(a / 1000.0)
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::float8[]) AS x(id, u, k, r, amt, a)
  ON CONFLICT DO NOTHING RETURNING entry_id AS id`;

type Row = Record<string, unknown>;

const pgArray = (values: number[]): string => `{${values.join(',')}}`;

const byTable = (rows: LedgerRow[]) => ({
  entries: rows.filter((r): r is EntryRow => r.table === 'entry'),
  claims: rows.filter((r): r is ClaimRow => r.table === 'claim'),
  packets: rows.filter((r): r is PacketRow => r.table === 'packet'),
  rains: rows.filter((r): r is RainRow => r.table === 'rain'),
});

async function insert(
  client: pg.ClientBase,
  sql: string,
  columns: unknown[][],
  into: Set<string>,
): Promise<void> {
  const result = await client.query<Row>(sql, columns);
  for (const row of result.rows) into.add(text(col(row, 'id'), 'id'));
}

/**
 * Inserts `rows`, parents first (packets and rains, then claims, then entries). Resolves
 * with the ids this call inserted; a row whose id was already stored (or came twice) is not
 * among them and must be checked with storedSignatures.
 */
export async function insertRows(client: pg.ClientBase, rows: LedgerRow[]): Promise<Set<string>> {
  const { entries, claims, packets, rains } = byTable(rows);
  const inserted = new Set<string>();
  if (packets.length > 0)
    await insert(
      client,
      INSERT_PACKETS,
      [
        packets.map((p) => p.packetId),
        packets.map((p) => p.senderId),
        packets.map((p) => p.roomId),
        packets.map((p) => p.total),
        packets.map((p) => pgArray(p.shares)),
        packets.map((p) => p.expiresAt),
        packets.map((p) => p.at),
        packets.map((p) => JSON.stringify(p.record)),
      ],
      inserted,
    );
  if (rains.length > 0) {
    await insert(
      client,
      INSERT_RAINS,
      [
        rains.map((r) => r.rainId),
        rains.map((r) => r.hostId),
        rains.map((r) => r.roomId),
        rains.map((r) => r.total),
        rains.map((r) => r.at),
        rains.map((r) => JSON.stringify(r.record)),
      ],
      inserted,
    );
    const drops = rains
      .filter((r) => inserted.has(r.rainId))
      .flatMap((r) => r.drops.map((d) => ({ rainId: r.rainId, ...d })));
    if (drops.length > 0)
      await client.query(INSERT_DROPS, [
        drops.map((d) => d.rainId),
        drops.map((d) => d.dropId),
        drops.map((d) => pgArray(d.shares)),
      ]);
  }
  if (claims.length > 0)
    await insert(
      client,
      INSERT_CLAIMS,
      [
        claims.map((c) => c.claimId),
        claims.map((c) => c.sourceId),
        claims.map((c) => c.dropId),
        claims.map((c) => c.userId),
        claims.map((c) => c.amount),
        claims.map((c) => c.reason),
        claims.map((c) => c.at),
      ],
      inserted,
    );
  if (entries.length > 0)
    await insert(
      client,
      INSERT_ENTRIES,
      [
        entries.map((e) => entryIdOf(e)),
        entries.map((e) => e.userId),
        entries.map((e) => e.kind),
        entries.map((e) => e.ref),
        entries.map((e) => e.amount),
        entries.map((e) => e.at),
      ],
      inserted,
    );
  return inserted;
}

const dropsSignature = (drops: { dropId: string; shares: number[] }[]): string =>
  [...drops]
    .sort((a, b) => (a.dropId < b.dropId ? -1 : a.dropId > b.dropId ? 1 : 0))
    .map((d) => `${d.dropId}=${d.shares.join(',')}`)
    .join(';');

/** What must match for a row to be "the same" as the one stored under its id. */
export function signatureOf(row: LedgerRow): string {
  switch (row.table) {
    case 'entry':
      return `entry|${row.userId}|${row.kind}|${row.ref}|${row.amount}`;
    case 'claim':
      return `claim|${row.sourceId}|${row.dropId ?? ''}|${row.userId}|${row.amount}|${row.reason}`;
    case 'packet':
      return `packet|${row.senderId}|${row.roomId}|${row.total}|${row.shares.join(',')}`;
    case 'rain':
      return `rain|${row.hostId}|${row.roomId}|${row.total}|${dropsSignature(row.drops)}`;
  }
}

/** The signatures of the stored rows among `rows`' ids (absent ids are absent from the map). */
export async function storedSignatures(
  client: pg.ClientBase,
  rows: LedgerRow[],
): Promise<Map<string, string>> {
  const { entries, claims, packets, rains } = byTable(rows);
  const out = new Map<string, string>();
  if (entries.length > 0) {
    const r = await client.query<Row>(
      'SELECT entry_id, user_id, kind, ref, amount FROM ledger_entries WHERE entry_id = ANY($1)',
      [entries.map((e) => entryIdOf(e))],
    );
    for (const row of r.rows)
      out.set(
        text(col(row, 'entry_id'), 'entry_id'),
        `entry|${text(col(row, 'user_id'), 'user_id')}|${text(col(row, 'kind'), 'kind')}|${text(col(row, 'ref'), 'ref')}|${fen(col(row, 'amount'), 'amount')}`,
      );
  }
  if (claims.length > 0) {
    const r = await client.query<Row>(
      'SELECT claim_id, source_id, drop_id, user_id, amount, reason FROM claims WHERE claim_id = ANY($1)',
      [claims.map((c) => c.claimId)],
    );
    for (const row of r.rows)
      out.set(
        text(col(row, 'claim_id'), 'claim_id'),
        `claim|${text(col(row, 'source_id'), 'source_id')}|${nullableText(col(row, 'drop_id'), 'drop_id') ?? ''}|${text(col(row, 'user_id'), 'user_id')}|${fen(col(row, 'amount'), 'amount')}|${text(col(row, 'reason'), 'reason')}`,
      );
  }
  if (packets.length > 0) {
    const r = await client.query<Row>(
      'SELECT packet_id, sender_id, room_id, total, shares FROM packets WHERE packet_id = ANY($1)',
      [packets.map((p) => p.packetId)],
    );
    for (const row of r.rows)
      out.set(
        text(col(row, 'packet_id'), 'packet_id'),
        `packet|${text(col(row, 'sender_id'), 'sender_id')}|${text(col(row, 'room_id'), 'room_id')}|${fen(col(row, 'total'), 'total')}|${fenArray(col(row, 'shares'), 'shares').join(',')}`,
      );
  }
  if (rains.length > 0) {
    const r = await client.query<Row>(
      `SELECT r.rain_id, r.host_id, r.room_id, r.total,
              coalesce(json_agg(json_build_object('dropId', d.drop_id, 'shares', d.shares)) FILTER (WHERE d.drop_id IS NOT NULL), '[]') AS drops
       FROM rains r LEFT JOIN rain_drops d USING (rain_id) WHERE r.rain_id = ANY($1)
       GROUP BY r.rain_id`,
      [rains.map((x) => x.rainId)],
    );
    for (const row of r.rows) {
      const drops = col(row, 'drops');
      const decoded = (Array.isArray(drops) ? drops : []).map((d: unknown) => ({
        dropId: text(col(d, 'dropId'), 'dropId'),
        shares: fenArray(col(d, 'shares'), 'shares'),
      }));
      out.set(
        text(col(row, 'rain_id'), 'rain_id'),
        `rain|${text(col(row, 'host_id'), 'host_id')}|${text(col(row, 'room_id'), 'room_id')}|${fen(col(row, 'total'), 'total')}|${dropsSignature(decoded)}`,
      );
    }
  }
  return out;
}

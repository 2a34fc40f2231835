/**
 * Rebuilds a Redis that lost its dataset from the ledger (issue 25, `npm run restore`):
 *
 *   PostgreSQL ──finishCredits──▶ every claim has its credit entry (nothing in flight)
 *              ──restoreSnapshot─▶ wallets (entries, holds) + open packets (shares, claims)
 *                                  + running rains (drops, shares left, claims, board)
 *   Redis     ◀── RedisRestorer ── one Lua script per wallet, per packet and per rain
 *
 * Afterwards every wallet holds what its entries add up to (its ledger list is those entries,
 * so the Redis audit balances), every open packet holds its unclaimed shares and its claims
 * (a user who grabbed gets ALREADY_GRABBED, never a second share), packets closed in the
 * last 7 days hold their claims (their grabbers' retries answer ALREADY_GRABBED too), and the
 * two audits agree. Every rain without its end refund comes back with its drops' shares left,
 * its claims (a user who won a drop answers already-claimed) and its leaderboard, its release
 * cursor set by its timeline and its lease free: a node's rain runner takes it over, releases
 * what is still to come and ends it, refunding the rest to the host (restore-rains.ts).
 * Holds still held (a send that never became a packet) come back held and indexed, for the
 * reconciler to release. Idempotent: a wallet or packet already in Redis is left as it is.
 *
 * Not restored: chat, rooms, risk counters, karaoke listens (a karaoke packet asks for the
 * song again), lottery tickets and draw records, claimers' display names (a restored claim
 * shows its user id).
 */
import type { Cluster, Redis } from 'ioredis';
import type pg from 'pg';
import { isGated } from '../../domain/claim-gate.js';
import { decodeStaticPacket } from '../redis/codec.js';
import type { RedisKeys } from '../redis/keys.js';
import { RedisRestorer, type PacketImage, type WalletImage } from './redis-restorer.js';
import { rainImage } from './restore-rains.js';
import {
  finishCredits,
  restoreSnapshot,
  type RestoreEntry,
  type RestoreHold,
  type RestorePacket,
} from './restore-reads.js';

export interface RestoreOptions {
  /** Write into a Redis that already holds keys of this prefix (groups already there are kept). */
  force?: boolean;
  /** Scripts in flight at once. @default 16 */
  concurrency?: number;
  /** @default Date.now() */
  now?: number;
}

export interface RestoreReport {
  /** Credit entries committed for claims that were in flight. */
  creditsFinished: number;
  wallets: { restored: number; existing: number };
  packets: { restored: number; existing: number; aborted: number };
  rains: { restored: number; existing: number; aborted: number };
}

export class RedisNotEmptyError extends Error {
  constructor(prefix: string) {
    super(
      `Redis holds wallets or packets under prefix '${prefix}'; restore refuses to write into it without --force`,
    );
    this.name = 'RedisNotEmptyError';
  }
}

/** Rebuilds Redis (at `keys.prefix`) from the ledger in `pool`; see the module comment. */
export async function restore(
  pool: pg.Pool,
  redis: Redis | Cluster,
  keys: RedisKeys,
  options: RestoreOptions = {},
): Promise<RestoreReport> {
  const writer = new RedisRestorer(redis, keys);
  if (!options.force && !(await writer.isEmpty())) throw new RedisNotEmptyError(keys.prefix);
  const creditsFinished = await finishCredits(pool);
  const now = options.now ?? Date.now();
  const snap = await restoreSnapshot(pool, now - RETAIN_CLOSED_MS);
  const report: RestoreReport = {
    creditsFinished,
    wallets: { restored: 0, existing: 0 },
    packets: { restored: 0, existing: 0, aborted: 0 },
    rains: { restored: 0, existing: 0, aborted: 0 },
  };
  const limit = options.concurrency ?? 16;
  await inBatches(walletImages(snap.entries, snap.holds), limit, async (w) => {
    const result = await writer.wallet(w);
    report.wallets[result === 'restored' ? 'restored' : 'existing'] += 1;
  });
  await writeAll(
    snap.packets.map((p) => packetImage(p, now)),
    limit,
    (p) => writer.packet(p),
    report.packets,
  );
  await writeAll(
    snap.rains.map((r) => rainImage(r, now)),
    limit,
    (r) => writer.rain(r),
    report.rains,
  );
  return report;
}

/** Wallet images from entries grouped by user (oldest first) and their holds. */
export function walletImages(entries: RestoreEntry[], holds: RestoreHold[]): WalletImage[] {
  const wallets = new Map<string, WalletImage>();
  for (const e of entries) {
    let w = wallets.get(e.userId);
    if (!w) {
      w = { userId: e.userId, balance: 0, minted: 0, ledger: [], mints: [], credits: [], holds: [] };
      wallets.set(e.userId, w);
    }
    w.balance += e.amount;
    if (e.kind === 'mint') {
      w.minted += e.amount;
      w.mints.push(e.ref);
    }
    if (e.kind === 'credit') w.credits.push(e.ref);
    w.ledger.push(JSON.stringify({ ...e, balance: w.balance }));
  }
  for (const h of holds) {
    const { holdId, userId, amount, at, state } = h;
    wallets.get(userId)?.holds.push({
      holdId,
      at,
      held: state === 'held',
      json: JSON.stringify({ holdId, userId, amount, at, state }),
    });
  }
  return [...wallets.values()];
}

/**
 * How long Redis keeps a closed packet's claims (escrow/redis-escrow.ts retires one for
 * 7 days); a restore brings back the closed packets of that window, so their grabbers'
 * retries still answer ALREADY_GRABBED.
 */
const RETAIN_CLOSED_MS = 7 * 86_400_000;

/** A packet's image: its static record, and its claims as the grab scripts write them. */
export function packetImage(p: RestorePacket, now: number): PacketImage {
  const record = decodeStaticPacket(JSON.stringify(p.record));
  let best: PacketImage['best'] = null;
  const claims = p.claims.map((c, i): [string, string] => {
    const json = JSON.stringify({
      claimId: c.claimId,
      packetId: p.packetId,
      userId: c.userId,
      name: c.userId,
      amount: c.amount,
      at: c.at,
      seq: i + 1,
    });
    if (!best || c.amount > best.amount) best = { json, amount: c.amount };
    return [c.userId, json];
  });
  return {
    record,
    status: p.status,
    retainMs: p.createdAt + RETAIN_CLOSED_MS - now,
    gated: isGated(record),
    remainingShares: p.remainingShares,
    claims,
    best,
  };
}

/** Writes every image, `limit` at once, counting what each write found. */
async function writeAll<T>(
  images: T[],
  limit: number,
  write: (image: T) => Promise<'restored' | 'exists' | 'aborted'>,
  counts: Record<'restored' | 'existing' | 'aborted', number>,
): Promise<void> {
  await inBatches(images, limit, async (image) => {
    const result = await write(image);
    counts[result === 'exists' ? 'existing' : result] += 1;
  });
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

/**
 * Running rains in a restore (restore.ts): what the ledger holds of each rain without its end
 * refund, and the Redis image that lets it go on.
 *
 *   PostgreSQL  rains.record (with its secret seed) + rain_drops (funded shares)
 *               + claims with reason 'drop' (who won what, in which drop)
 *   ──rainImage(now)──▶ record, status and release cursor by the timeline's clock, every
 *               drop with its shares left (funded − claimed), the claims, the leaderboard
 *
 * The release cursor is rebuilt from the seed's timeline, not from what Redis had released:
 * every drop whose scheduled time has passed counts as released at its scheduled time, so a
 * drop whose window was open when Redis died is open again for what is left of that window,
 * and drops still to come are released by the rain runner that takes the (free) lease.
 * Lottery: drops whose window has closed count as drawn (a drop whose draw was lost with
 * Redis keeps its shares, and the end refunds them to the host); a drop whose window is still
 * open is drawn over the tickets taken after the restore (tickets are not in the ledger).
 * Unclaimed shares of past drops stay in escrow and go back to the host when the rain ends.
 */
import type pg from 'pg';
import { lotteryWindow } from '../../domain/rain-rules.js';
import { rainTimeline } from '../../domain/rain-timeline.js';
import { decodeRain, staticRain } from '../rains/redis-rains.js';
import type { RainRecord } from '../rains/rain-store.js';
import { col, fen, fenArray, jsonObject, text } from './ledger-decode.js';
import { MalformedRowError } from './ledger-errors.js';
import { remainingShares } from './ledger-reads.js';

type Row = Record<string, unknown>;

/** One rain without its end refund, as the ledger has it. */
export interface RestoreRain {
  rainId: string;
  /** The RainRecord as created, seed included (decode it before use). */
  record: Record<string, unknown>;
  drops: { dropId: string; shares: number[] }[];
  /** Its drop claims, oldest first. */
  claims: { dropId: string; userId: string; amount: number }[];
}

/** One rain as restore-rain.lua writes it. */
export interface RainImage {
  rainId: string;
  roomId: string;
  startAt: number;
  /** The rain hash: the static record JSON and every counter, as rain-create.lua names them. */
  fields: Record<string, string | number>;
  /** dropId → drop JSON ({ i, r, n, s }), in timeline order. */
  drops: [string, string][];
  /** "dropId\nuserId" → amount, as rain-grab.lua records a claim. */
  claims: [string, number][];
  /** userId, fen won, board info JSON ({ name, grabs }). */
  board: [string, number, string][];
}

/** Rains without a 'rain-refund' claim, with their drops and drop claims (one snapshot's client). */
export async function readOpenRains(client: pg.PoolClient): Promise<RestoreRain[]> {
  const rains = await client.query<Row>(`
    SELECT r.rain_id, r.record,
           (SELECT coalesce(json_agg(json_build_array(d.drop_id, d.shares)), '[]')
              FROM rain_drops d WHERE d.rain_id = r.rain_id) AS drops,
           (SELECT coalesce(json_agg(json_build_array(c.drop_id, c.user_id, c.amount)
                                     ORDER BY c.created_at, c.claim_id), '[]')
              FROM claims c WHERE c.source_id = r.rain_id AND c.reason = 'drop') AS claims
    FROM rains r
    WHERE NOT EXISTS (SELECT 1 FROM claims x WHERE x.source_id = r.rain_id AND x.reason = 'rain-refund')
    ORDER BY r.created_at, r.rain_id`);
  return rains.rows.map((r) => ({
    rainId: text(col(r, 'rain_id'), 'rain_id'),
    record: jsonObject(col(r, 'record'), 'record'),
    drops: tuples(col(r, 'drops'), 'drops').map(([dropId, shares]) => ({
      dropId: text(dropId, 'drop_id'),
      shares: fenArray(shares, 'shares'),
    })),
    claims: tuples(col(r, 'claims'), 'claims').map(([dropId, userId, amount]) => ({
      dropId: text(dropId, 'drop_id'),
      userId: text(userId, 'user_id'),
      amount: fen(amount, 'amount'),
    })),
  }));
}

/** The image of a rain at `now` (see the module comment for the cursor and the lottery). */
export function rainImage(r: RestoreRain, now: number): RainImage {
  const rain: RainRecord = decodeRain({ record: JSON.stringify(r.record) });
  const funded = new Map(r.drops.map((d) => [d.dropId, d.shares]));
  const claimed = new Map<string, number[]>();
  for (const c of r.claims) claimed.set(c.dropId, [...(claimed.get(c.dropId) ?? []), c.amount]);
  const timeline = rainTimeline(rain.seed, rain.drops, rain.durationMs);
  let released = 0;
  let lastReleaseAt = 0;
  let drawn = 0;
  const drops = timeline.map((plan, i): [string, string] => {
    const shares = funded.get(plan.dropId);
    if (!shares) throw new MalformedRowError(`rain ${r.rainId}: no funded drop ${plan.dropId}`);
    const at = rain.startAt + plan.offsetMs;
    const isReleased = at <= now;
    if (isReleased) {
      released = i + 1;
      lastReleaseAt = at;
      if (rain.mode === 'lottery' && lotteryWindow(at, rain).closesAt <= now) drawn = i + 1;
    }
    const left = remainingShares(shares, claimed.get(plan.dropId) ?? []);
    return [plan.dropId, JSON.stringify({ i, r: isReleased ? at : 0, n: shares.length, s: left })];
  });
  const won = new Map<string, { amount: number; grabs: number }>();
  for (const c of r.claims) {
    const w = won.get(c.userId) ?? { amount: 0, grabs: 0 };
    won.set(c.userId, { amount: w.amount + c.amount, grabs: w.grabs + 1 });
  }
  const paid = r.claims.reduce((sum, c) => sum + c.amount, 0);
  return {
    rainId: r.rainId,
    roomId: rain.roomId,
    startAt: rain.startAt,
    fields: {
      record: JSON.stringify(staticRain(rain)),
      status: released > 0 ? 'running' : 'scheduled',
      startAt: rain.startAt,
      ttl: rain.dropTtlMs,
      cap: rain.maxGrabsPerUser ?? 0,
      released,
      lastReleaseAt,
      paid,
      grabs: r.claims.length,
      refunded: 0,
      remainingAmount: rain.total - paid,
      endedAt: 0,
      leaseOwner: '',
      leaseUntil: 0,
      drawn,
    },
    drops,
    claims: r.claims.map((c) => [`${c.dropId}\n${c.userId}`, c.amount]),
    // A restored claim shows the user id (display names are not in the ledger).
    board: [...won].map(([userId, w]) => [
      userId,
      w.amount,
      JSON.stringify({ name: userId, grabs: w.grabs }),
    ]),
  };
}

function tuples(value: unknown, what: string): unknown[][] {
  if (!Array.isArray(value) || !value.every((v): v is unknown[] => Array.isArray(v)))
    throw new MalformedRowError(`${what}: not a list of tuples`);
  return value;
}

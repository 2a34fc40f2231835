/**
 * Looking back at a rain over HTTP: its details (GET /v1/rains/:id), the replay bundle players
 * verify (GET /v1/rains/:id/replay, npm run replay) and the host's report (GET
 * /v1/rains/:id/report). Replay and report read the store's audit trail.
 *
 * Any user may ask for any rain, so what a read costs is bounded: details read the board down
 * to DETAILS_BOARD_DEPTH, and a replay — up to GRAB_LOG_CAP log entries and LEDGER_DEPTH
 * ledger entries per payee — is built once per ended rain and then served from a cache of
 * REPLAY_CACHE_SIZE bundles.
 */
import type { RainDetails } from '@red-packet/sdk/protocol';
import type { ReplayBundle, RainReport } from '@red-packet/sdk/rain-fairness';
import type { Identity } from '../../auth/tokens.js';
import { GameError } from '../../domain/errors.js';
import { dropClaimId } from '../../domain/ids.js';
import { buildRainReport } from '../../domain/rain-report.js';
import { isRainActive } from '../../domain/rain-rules.js';
import { GRAB_LOG_CAP } from '../../store/rains/lottery-store.js';
import type { LedgerEntry, RainRecord, Store } from '../../store/store.js';
import { rainView } from './rain-views.js';

/** How far back each payee's ledger is searched for a rain's credits. */
const LEDGER_DEPTH = 100_000;

/** Top winners in GET /v1/rains/:id (as in `rain:ended`). */
const LEADERBOARD_SIZE = 10;

/**
 * How deep GET /v1/rains/:id reads a rain's board to count its winners: `totals.winners` is
 * exact up to this many and reads as this many beyond (`rain:ended` carries the exact count).
 */
export const DETAILS_BOARD_DEPTH = 1000;

/**
 * Replay bundles of ended rains kept in memory, least recently used dropped first. A bundle
 * holds at most RAIN_MAX_SHARES claims (20,000 by default).
 */
export const REPLAY_CACHE_SIZE = 16;

export class RainAudit {
  /** Replays that can no longer change: the rain is over and every claim is in a ledger. */
  private readonly replays = new Map<string, ReplayBundle>();

  constructor(private readonly store: Store) {}

  /** A rain's status, totals and top winners; a bounded read (DETAILS_BOARD_DEPTH). */
  async details(rainId: string): Promise<RainDetails> {
    const [rain, board] = await Promise.all([
      this.store.rains.getRain(rainId),
      this.store.rains.rainLeaderboard(rainId, DETAILS_BOARD_DEPTH),
    ]);
    if (!rain) throw new GameError('NOT_FOUND', 'no such rain');
    return {
      rain: rainView(rain),
      totals: { paid: rain.paid, refunded: rain.refunded, grabs: rain.grabs, winners: board.length },
      leaderboard: board.slice(0, LEADERBOARD_SIZE),
    };
  }

  private async rain(rainId: string): Promise<RainRecord> {
    const rain = await this.store.rains.getRain(rainId);
    if (!rain) throw new GameError('NOT_FOUND', 'no such rain');
    return rain;
  }

  /**
   * Everything needed to verify an ended rain, seed included. RAIN_NOT_OVER while it falls.
   * Built once the rain is over and every claim's credit has landed, then served from memory.
   */
  async replay(rainId: string): Promise<ReplayBundle> {
    const cached = this.replays.get(rainId);
    if (cached) {
      this.replays.delete(rainId); // most recently used last
      this.replays.set(rainId, cached);
      return cached;
    }
    const bundle = await this.buildReplay(rainId);
    if (bundle.claims.every((c) => c.ledgered !== null)) {
      this.replays.set(rainId, bundle);
      for (const oldest of this.replays.keys()) {
        if (this.replays.size <= REPLAY_CACHE_SIZE) break;
        this.replays.delete(oldest);
      }
    }
    return bundle;
  }

  private async buildReplay(rainId: string): Promise<ReplayBundle> {
    const rain = await this.rain(rainId);
    if (isRainActive(rain))
      throw new GameError('RAIN_NOT_OVER', 'the seed is revealed when the rain ends; replay it then');
    const trail = await this.store.lottery.rainTrail(rainId);
    if (!trail) throw new GameError('NOT_FOUND', 'this rain’s records have expired');
    const payees = [...new Set(trail.claims.map((c) => c.userId))];
    const ledgers = await Promise.all(payees.map((u) => this.store.wallets.ledger(u, LEDGER_DEPTH)));
    const credits = new Map<string, LedgerEntry>();
    for (const entries of ledgers) for (const e of entries) if (e.kind === 'credit') credits.set(e.ref, e);
    return {
      rain: rainView(rain),
      seed: rain.seed,
      drops: trail.drops,
      claims: trail.claims.map((c) => {
        const claimId = dropClaimId(rainId, c.dropId, c.userId);
        const entry = credits.get(claimId);
        return {
          claimId,
          ...c,
          ledgered: entry ? { userId: entry.userId, amount: entry.amount } : null,
        };
      }),
    };
  }

  /** The host's report: the rain's host or an admin only. */
  async report(user: Identity, rainId: string): Promise<RainReport> {
    const rain = await this.rain(rainId);
    if (rain.hostId !== user.userId && user.role !== 'admin')
      throw new GameError('FORBIDDEN', 'only its host or an admin can see a rain’s report');
    const [trail, board] = await Promise.all([
      this.store.lottery.rainTrail(rainId),
      this.store.rains.rainLeaderboard(rainId, Number.MAX_SAFE_INTEGER),
    ]);
    return buildRainReport({
      rain: rainView(rain),
      drops: trail?.drops ?? [],
      log: trail?.log ?? [],
      board,
      truncated: (trail?.log.length ?? 0) >= GRAB_LOG_CAP,
    });
  }
}

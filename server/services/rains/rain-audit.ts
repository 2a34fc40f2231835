/**
 * Looking back at a rain: the replay bundle players verify (GET /v1/rains/:id/replay, npm run
 * replay) and the host's report (GET /v1/rains/:id/report). Both read the store's audit trail.
 */
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

export class RainAudit {
  constructor(private readonly store: Store) {}

  private async rain(rainId: string): Promise<RainRecord> {
    const rain = await this.store.rains.getRain(rainId);
    if (!rain) throw new GameError('NOT_FOUND', 'no such rain');
    return rain;
  }

  /** Everything needed to verify an ended rain, seed included. RAIN_NOT_OVER while it falls. */
  async replay(rainId: string): Promise<ReplayBundle> {
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

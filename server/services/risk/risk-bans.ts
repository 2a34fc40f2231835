/**
 * Bans: kept in the risk store, cached on every node so handshakes, HTTP calls and grabs check
 * them without a store call. A ban reaches every node at once through the adapter:
 *
 *   node A  POST /v1/admin/users/u/ban → store.ban → own cache → kick u's sockets here
 *           └── serverSideEmit('risk:ban') ──▶ node B, C: reload cache → kick u's sockets there
 *
 * Each node also reloads the whole list every RISK_BAN_REFRESH_MS (and kicks whoever is
 * banned), so a node that missed a broadcast (restarted, Redis blip) catches up.
 * A ban takes nothing: the wallet, ledger, packets and claims stay as they are.
 */
import { GameError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { BanRecord, RiskStore } from '../../store/risk/risk-store.js';

/** What the bans need from the transport. */
export interface RiskBus {
  /** Tells every other node (a no-op on a single node). */
  publishBan(userId: string, banned: boolean): void;
  /** Tells every other node which users reached the daily received cap. */
  publishCapped(day: string, userIds: string[]): void;
  /** Disconnects the user's sockets on this node. */
  kickLocal(userId: string): void;
}

export class BanList {
  private bans = new Map<string, BanRecord>();

  constructor(
    private readonly store: RiskStore,
    private readonly bus: RiskBus,
    private readonly log: Logger,
  ) {}

  isBanned(userId: string): boolean {
    return this.bans.has(userId);
  }

  list(): BanRecord[] {
    return [...this.bans.values()];
  }

  /** Throws FORBIDDEN for a banned user (handshakes, HTTP, grabs). */
  check(userId: string): void {
    const ban = this.bans.get(userId);
    if (ban) {
      throw new GameError(
        'FORBIDDEN',
        `this account is banned${ban.reason ? ` (${ban.reason})` : ''}; contact support`,
        { limit: 'ban' },
      );
    }
  }

  /** Reloads every ban from the store and disconnects any banned user still connected here. */
  async refresh(): Promise<void> {
    const records = await this.store.listBans();
    this.bans = new Map(records.map((r) => [r.userId, r]));
    for (const userId of this.bans.keys()) this.bus.kickLocal(userId);
  }

  async ban(record: BanRecord): Promise<void> {
    await this.store.ban(record);
    this.bans.set(record.userId, record);
    this.bus.kickLocal(record.userId);
    this.bus.publishBan(record.userId, true);
    this.log.info({ userId: record.userId, by: record.by, reason: record.reason }, 'user banned');
  }

  async unban(userId: string, by: string): Promise<boolean> {
    const existed = await this.store.unban(userId);
    this.bans.delete(userId);
    this.bus.publishBan(userId, false);
    this.log.info({ userId, by }, 'user unbanned');
    return existed;
  }

  /** Another node banned or unbanned someone: apply it here. */
  async onBroadcast(userId: string, banned: boolean): Promise<void> {
    if (!banned) {
      this.bans.delete(userId);
      return;
    }
    // Kick at once on the broadcast's word, then load the record for the message.
    this.bans.set(userId, this.bans.get(userId) ?? { userId, reason: '', by: '', at: 0 });
    this.bus.kickLocal(userId);
    await this.refresh();
  }
}

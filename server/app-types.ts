/** What startApp (app.ts) takes besides its config, and what a running node exposes. */
import type { TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import type { RandomInt } from './domain/split.js';
import type { Logger } from './observability/logger.js';
import type { NodeReaper } from './services/cluster/node-reaper.js';
import type { CodeService } from './services/codes/code-service.js';
import type { ReceiveService } from './services/codes/receive-service.js';
import type { Reconciler } from './services/money/reconciler.js';
import type { BalanceReconciler } from './services/money/balance-reconciler.js';
import type { RestoreWatch } from './services/money/restore-watch.js';
import type { ExpirySweeper } from './services/packets/expiry-sweeper.js';
import type { KaraokeService } from './services/packets/karaoke-service.js';
import type { PacketService } from './services/packets/packet-service.js';
import type { RainAudit } from './services/rains/rain-audit.js';
import type { RainRunner } from './services/rains/rain-runner.js';
import type { RainService } from './services/rains/rain-service.js';
import type { BanList } from './services/risk/risk-bans.js';
import type { RiskService } from './services/risk/risk-service.js';
import type { Presence } from './services/rooms/presence.js';
import type { ContentScreen } from './services/screening/content-screen.js';
import type { Store } from './store/store.js';
import { type Route } from './transport/http-router.js';
import { type GameServer } from './transport/socket-server.js';

export interface AppOverrides {
  clock?: Clock;
  store?: Store;
  logger?: Logger;
  randomInt?: RandomInt;
  /** Where rain seeds come from (the fairness load scenario replays one seed in two modes). */
  newRainSeed?: () => string;
}

export interface RunningApp {
  readonly config: Config;
  readonly port: number;
  /** `http://127.0.0.1:<port>` — what tests and local tools connect to. */
  readonly url: string;
  readonly store: Store;
  readonly io: GameServer;
  readonly log: Logger;
  readonly packets: PacketService;
  readonly reconciler: Reconciler;
  /** With DATABASE_URL on Redis: the fence while Redis is restored from the ledger. */
  readonly restoreWatch: RestoreWatch | undefined;
  /** With DATABASE_URL: Redis balances against the ledger's (对账). */
  readonly balances: BalanceReconciler | undefined;
  readonly sweeper: ExpirySweeper;
  readonly presence: Presence;
  readonly reaper: NodeReaper;
  readonly rains: RainService;
  readonly rainAudit: RainAudit;
  readonly karaoke: KaraokeService;
  readonly runner: RainRunner;
  readonly tokens: TokenService;
  /** Every HTTP route this node serves (the fuzz suite walks them all). */
  readonly routes: readonly Route[];
  readonly codes: CodeService;
  readonly receive: ReceiveService;
  readonly risk: RiskService;
  readonly bans: BanList;
  /** Content screening of chat and packet texts (reload: POST /v1/admin/screening/reload, SIGHUP). */
  readonly screen: ContentScreen;
  /**
   * Stops in order: accepting, background tasks, rain leases handed back, pending acks,
   * sockets, adapter, ledger (PostgreSQL), store, listener. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * The composition root: builds one node from its config and starts it.
 *
 *   infrastructure   store, broadcast adapter, socket.io, the relay and broadcaster
 *   concepts         risk · screening · money · fences · packets · rains · rooms · codes ·
 *                    cluster — each wires its own services and periodic tasks
 *                    (services/<concept>/index.ts); what one concept needs of another is
 *                    passed here, in this order
 *   edge             socket events and HTTP routes, each declaring its own guards
 *                    (handlers/event-table.ts, handlers/*-routes.ts)
 *
 * With DATABASE_URL, PostgreSQL is the record of money: migrated before anything listens, one
 * group-commit LedgerWriter per node handed to the money concept (services/money/ledger-gate.ts).
 *
 * It starts listening, then the tasks, and knows how to stop in order.
 */
import { TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { isCodePagePath } from './domain/signed-codes.js';
import type { RandomInt } from './domain/split.js';
import { codeRoutes } from './handlers/code-routes.js';
import type { Guards } from './handlers/context.js';
import { curfewGuard } from './handlers/curfew-guard.js';
import { eventHandlers } from './handlers/event-table.js';
import { httpRoutes } from './handlers/http-routes.js';
import { landingResponse } from './handlers/landing-page.js';
import { riskRoutes } from './handlers/risk-routes.js';
import { screenRoutes } from './handlers/screen-routes.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { createClusterConcept } from './services/cluster/index.js';
import { NodeRelay } from './services/cluster/node-relay.js';
import type { NodeReaper } from './services/cluster/node-reaper.js';
import { createCodesConcept } from './services/codes/index.js';
import type { CodeService } from './services/codes/code-service.js';
import type { ReceiveService } from './services/codes/receive-service.js';
import { createFencesConcept } from './services/fences/index.js';
import { createMoneyConcept } from './services/money/index.js';
import type { Reconciler } from './services/money/reconciler.js';
import type { ExpirySweeper } from './services/packets/expiry-sweeper.js';
import { createPacketsConcept } from './services/packets/index.js';
import type { KaraokeService } from './services/packets/karaoke-service.js';
import type { PacketService } from './services/packets/packet-service.js';
import { createRainsConcept } from './services/rains/index.js';
import type { RainAudit } from './services/rains/rain-audit.js';
import type { RainRunner } from './services/rains/rain-runner.js';
import type { RainService } from './services/rains/rain-service.js';
import { createRiskConcept } from './services/risk/index.js';
import type { BanList } from './services/risk/risk-bans.js';
import type { RiskService } from './services/risk/risk-service.js';
import { createRoomsConcept } from './services/rooms/index.js';
import type { Presence } from './services/rooms/presence.js';
import type { ConceptTasks, NodeBasics } from './services/runtime/node-basics.js';
import { Periodic } from './services/runtime/periodic.js';
import { StoreProbe } from './services/runtime/store-probe.js';
import type { ContentScreen } from './services/screening/content-screen.js';
import { createScreeningConcept } from './services/screening/index.js';
import { loadStartupWordLists } from './services/screening/word-list-files.js';
import { createStore } from './store/create-store.js';
import { createLedgerPool, LedgerWriter, migrate } from './store/ledger/index.js';
import type { Store } from './store/store.js';
import { createBroadcastAdapter } from './transport/adapter.js';
import { ConnectionLimits } from './transport/connection-limits.js';
import { HttpLimits } from './transport/http-limits.js';
import { createRouter, type Route } from './transport/http-router.js';
import { listen } from './transport/listen.js';
import { listenRiskBroadcasts, socketRiskBus } from './transport/risk-bus.js';
import { riskHandshake } from './transport/risk-handshake.js';
import { listenScreenBroadcasts, socketScreenBus } from './transport/screen-bus.js';
import {
  createSocketServer,
  dropSlowConsumers,
  handleConnections,
  localMemberships,
  socketBroadcaster,
  type GameServer,
} from './transport/socket-server.js';
import { loadStaticSite } from './transport/static-site.js';
import { watchTokenExpiry } from './transport/token-expiry.js';
import { UserSockets } from './transport/user-sockets.js';

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

export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<RunningApp> {
  // Before anything opens: a bad word-list file stops the start, naming SCREEN_WORDLIST_PATH.
  const screenLists = loadStartupWordLists(config.screen.paths);
  const log = overrides.logger ?? createLogger(config.logLevel, config.nodeId);
  const clock = overrides.clock ?? systemClock;
  const metrics = new Metrics(config.nodeId);
  const created = overrides.store
    ? { store: overrides.store, whenReady: () => Promise.resolve(true) }
    : createStore(config.store, log, () => metrics.redisErrors.inc({ client: 'store' }));
  const { store } = created;
  const adapter = createBroadcastAdapter(config.store, log, {
    onPublishFailure: () => metrics.adapterPublishFailures.inc(),
    onConnectionError: () => metrics.redisErrors.inc({ client: 'adapter' }),
  });
  // Give Redis a moment at start-up, but never depend on it: a node whose Redis is down
  // starts anyway, serves what needs no store, and reports not ready until Redis answers.
  const [storeReady, adapterReady] = await Promise.all([
    created.whenReady(config.timers.storeStartWaitMs),
    adapter.whenReady(config.timers.storeStartWaitMs),
  ]);
  if (!storeReady || !adapterReady)
    log.warn(
      { storeReady, adapterReady },
      'starting without Redis: requests that need the store answer STORE_UNAVAILABLE until it is reachable',
    );
  // PostgreSQL: migrated before anything listens (a node that cannot reach it does not start).
  const ledgerPool = config.ledger
    ? createLedgerPool(config.ledger.url, {
        timeoutMs: config.ledger.timeoutMs,
        max: config.ledger.poolSize,
        onError: (err) => log.warn({ err }, 'ledger connection lost'),
      })
    : undefined;
  const ledger =
    ledgerPool && config.ledger
      ? new LedgerWriter(ledgerPool, {
          maxDelayMs: config.ledger.commitDelayMs,
          maxRows: config.ledger.commitMaxRows,
          maxInFlight: Math.max(1, Math.min(2, config.ledger.poolSize)),
          timeoutMs: config.ledger.timeoutMs,
          log,
        })
      : undefined;
  if (ledgerPool) {
    try {
      const applied = await migrate(ledgerPool);
      log.info({ applied }, 'PostgreSQL ledger ready: money is committed there before it is acknowledged');
    } catch (err) {
      await Promise.all([adapter.close(), created.store.close(), ledgerPool.end()]);
      throw err;
    }
  }
  const { issuer, audience } = config.auth;
  const tokens = new TokenService(config.auth.jwtSecret, undefined, { issuer, audience });
  const connectionLimits = new ConnectionLimits(
    {
      maxPerIp: config.ws.maxPerIp,
      maxPerUser: config.ws.maxPerUser,
      handshakeTimeoutMs: config.ws.handshakeTimeoutMs,
      origins: config.allowedOrigins,
      trustedProxies: config.risk.trustedProxies,
    },
    metrics,
  );
  const io = createSocketServer(config, adapter.adapter, connectionLimits.allowRequest);
  const userSockets = new UserSockets();
  const relay = new NodeRelay(
    config.nodeId,
    adapter.link,
    (u, e, a, except) => userSockets.emit(u, e, a, except),
    log,
  );
  const node: NodeBasics = { config, store, clock, broadcaster: socketBroadcaster(io, relay), metrics, log };
  const multiNode = store.kind !== 'memory';

  // The concepts, each needing only those above it; `tasks` collects their periodic work.
  const tasks: Periodic[] = [];
  const withTasks = <C extends ConceptTasks>(concept: C): C => {
    tasks.push(...concept.tasks);
    return concept;
  };
  const { risk, bans, admitSend } = withTasks(
    createRiskConcept(node, socketRiskBus(io, multiNode, userSockets)),
  );
  listenRiskBroadcasts(io, bans, risk, log);
  const { screen, screenText } = createScreeningConcept(
    node,
    risk,
    socketScreenBus(io, config.nodeId, multiNode),
    screenLists,
  );
  listenScreenBroadcasts(io, screen);
  const { payments, acker, wallets, reconciler } = withTasks(
    createMoneyConcept(node, ledger ? { ledger } : {}),
  );
  const { nearby, fenceAudit } = createFencesConcept(node, risk);
  // Rooms come after packets (they need karaoke and rains); the grab batches read room sizes
  // from their presence once it exists.
  const roomsLater: { presence?: Presence } = {};
  const { packets, grabs, sweeper, phrases, karaoke } = withTasks(
    createPacketsConcept(node, {
      payments,
      peers: relay,
      admitSend,
      claimRisk: risk,
      roomSize: (roomId) => roomsLater.presence?.members(roomId),
      screenText,
      onFenceAttempt: (attempt) => fenceAudit.record(attempt),
      ...(overrides.randomInt ? { randomInt: overrides.randomInt } : {}),
    }),
  );
  const { rains, runner, rainAudit } = withTasks(
    createRainsConcept(node, {
      payments,
      peers: relay,
      admitSend,
      claimRisk: risk,
      ...(overrides.newRainSeed ? { newSeed: overrides.newRainSeed } : {}),
    }),
  );
  relay.handle({
    packetClosed: (packetId, reason) => packets.learnClosed(packetId, reason),
    dropGone: (rainId, dropId) => rains.learnGone(rainId, dropId),
  });
  const { rooms, presence } = withTasks(createRoomsConcept(node, { rains, karaoke, screenText }));
  roomsLater.presence = presence;
  const { codes, receive } = createCodesConcept(node, packets, screenText);
  const cluster = withTasks(createClusterConcept(node, presence, () => localMemberships(io)));

  // The edge: socket events and HTTP routes, each guarded where it is declared.
  const guards: Guards = { curfew: curfewGuard(config.curfew, clock) };
  const services = {
    clock,
    rooms,
    packets,
    rains,
    karaoke,
    codes,
    receive,
    phrases,
    nearby,
    curfew: config.curfew,
  };
  handleConnections(io, {
    tokens,
    userSockets,
    rooms,
    log,
    metrics,
    clock,
    rateLimit: config.rateLimit,
    handlers: eventHandlers(services, guards, { tokens, risk }),
  });
  // After authentication (registered by handleConnections): bans, address, device id; then
  // the per-user cap, last and synchronous (connection-limits.ts).
  io.use(riskHandshake(risk, config.risk.trustedProxies));
  io.use(connectionLimits.userCap(userSockets));
  watchTokenExpiry(io, config.ws.tokenExpiryGraceMs, clock, metrics);
  const routes = [
    ...httpRoutes({
      curfew: guards.curfew,
      store,
      tokens,
      metrics,
      packets,
      nearby,
      fenceAudit,
      rains,
      rainAudit,
      wallets,
      devTokens: config.auth.devTokens,
      metricsToken: config.metricsToken,
      broadcastReady: () => adapter.isReady(),
      ...(ledgerPool ? { ledgerReady: () => ledgerPool.query('SELECT 1').then(() => undefined) } : {}),
    }),
    ...codeRoutes({ curfew: guards.curfew, codes, receive }),
    ...riskRoutes({ risk, bans, store: store.risk, clock }),
    ...screenRoutes({ screen }),
  ];
  const site = loadStaticSite(config.webDir);
  const { rateLimit } = config;
  const httpLimits = new HttpLimits(
    {
      ipPerSec: rateLimit.httpIpPerSec,
      ipBurst: rateLimit.httpIpBurst,
      userPerSec: rateLimit.httpUserPerSec,
      userBurst: rateLimit.httpUserBurst,
      trustedProxies: config.risk.trustedProxies,
      origins: config.allowedOrigins,
    },
    metrics,
    () => clock.now(),
  );
  const router = createRouter(routes, {
    tokens,
    metrics,
    log,
    limits: httpLimits,
    fallback: (path) =>
      site.get(path) ??
      // A scanned code's short link (/c/<code>, /r/<code>) opens the page, which reads the path.
      (isCodePagePath(path) ? site.get('/') : null) ??
      (path === '/' ? landingResponse(store.kind, config.auth.devTokens) : null),
    gate: (user) => risk.checkCaller(user.userId),
  });

  // This node's own upkeep, beside the concepts' tasks.
  const storeProbe = new StoreProbe(store, metrics);
  tasks.push(
    new Periodic(
      'store-probe',
      config.timers.storeProbeMs,
      () => storeProbe.probe().then(() => undefined),
      log,
    ),
    new Periodic(
      'slow-consumers',
      1000,
      () => Promise.resolve(void dropSlowConsumers(io, config.ws.maxBackpressureBytes, log)),
      log,
    ),
  );

  // Bans load now if the store answers, else on the first periodic refresh once it does.
  await bans.refresh().catch((err: unknown) => {
    log.warn({ err }, 'could not load bans at start; retrying every RISK_BAN_REFRESH_MS');
  });
  await cluster.announce();
  const listening = await listen(io, router, config);
  connectionLimits.attach(io); // io.engine exists once socket.io is attached to the listener
  for (const task of tasks) task.start();
  await storeProbe.probe(); // rp_store_up is right from the first scrape
  const url = `http://127.0.0.1:${listening.port}`;
  log.info(
    {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${listening.port}`,
      store: store.kind,
      transport: config.transport,
      wireFormat: config.wireFormat,
      devTokens: config.auth.devTokens,
    },
    `listening on port ${listening.port} with the ${store.kind} store` +
      (config.auth.devMode ? ' (dev mode: random JWT secret)' : '') +
      (config.auth.devTokens ? '; dev tokens ON at POST /v1/dev/token' : ''),
  );
  if (config.auth.devTokensOverridden)
    log.warn(
      'UNSAFE_DEV_TOKENS=1: this node shares a Redis store or listens beyond loopback and still hands out ' +
        'admin tokens to anyone at POST /v1/dev/token — a test deployment only, never production',
    );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      listening.stopAccepting();
      await Promise.all(tasks.map((t) => t.stop()));
      await runner.handOver().catch((err: unknown) => {
        log.warn({ err }, 'could not hand rain leases back');
      });
      grabs.flushAll();
      await acker.flush();
      await risk.flush();
      // `local`: with the Redis adapter a bare disconnectSockets() reaches every node's sockets.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await adapter.close();
      // Every request has answered: what the writer still holds is committed, then it closes.
      await ledger?.close();
      await ledgerPool?.end();
      await store.close();
      listening.close();
      log.info('stopped');
    })());

  return {
    config,
    port: listening.port,
    url,
    store,
    io,
    log,
    packets,
    rains,
    rainAudit,
    karaoke,
    runner,
    reconciler,
    sweeper,
    presence,
    reaper: cluster.reaper,
    tokens,
    routes,
    codes,
    receive,
    risk,
    bans,
    screen,
    close,
  };
}

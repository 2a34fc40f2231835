/**
 * The composition root: builds one node from its config — store, services, socket.io,
 * HTTP routes, background tasks — starts listening, and knows how to stop in order.
 */
import { TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { RandomInt } from './domain/split.js';
import { isCodePagePath, CodeSigner } from './domain/signed-codes.js';
import { codeHandlers } from './handlers/code-handlers.js';
import { codeRoutes } from './handlers/code-routes.js';
import { httpRoutes } from './handlers/http-routes.js';
import { karaokeHandlers } from './handlers/karaoke-handlers.js';
import { packetHandlers } from './handlers/packet-handlers.js';
import { rainHandlers } from './handlers/rain-handlers.js';
import { roomHandlers } from './handlers/room-handlers.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { CodeService } from './services/codes/code-service.js';
import { CreditAcker } from './services/money/credit-acker.js';
import { ExpirySweeper } from './services/packets/expiry-sweeper.js';
import { FenceAudit } from './services/fences/fence-audit.js';
import { NearbyService } from './services/fences/nearby-service.js';
import { PacketService } from './services/packets/packet-service.js';
import { Payments } from './services/money/payments.js';
import { Periodic } from './services/runtime/periodic.js';
import { PhraseService } from './services/packets/phrase-service.js';
import { GoneBatcher } from './services/rains/gone-batcher.js';
import { GrabBatcher } from './services/packets/grab-batcher.js';
import { NodeRelay } from './services/cluster/node-relay.js';
import { KaraokeService } from './services/packets/karaoke-service.js';
import { NodeReaper } from './services/cluster/node-reaper.js';
import { Presence } from './services/rooms/presence.js';
import { LotteryWaiter } from './services/rains/lottery-waiter.js';
import { RainAudit } from './services/rains/rain-audit.js';
import { RainRunner } from './services/rains/rain-runner.js';
import { RainService } from './services/rains/rain-service.js';
import { ReceiveService } from './services/codes/receive-service.js';
import { Reconciler } from './services/money/reconciler.js';
import { AuditProbe } from './services/money/audit-probe.js';
import { StoreProbe } from './services/runtime/store-probe.js';
import { RoomService } from './services/rooms/room-service.js';
import { WalletService } from './services/money/wallet-service.js';
import { createStore } from './store/create-store.js';
import { authHandlers } from './handlers/auth-handlers.js';
import { guardGrabs } from './handlers/risk-guard.js';
import { riskRoutes } from './handlers/risk-routes.js';
import { screenRoutes } from './handlers/screen-routes.js';
import { ContentScreen, type TextCheck } from './services/screening/content-screen.js';
import { listenScreenBroadcasts, socketScreenBus } from './transport/screen-bus.js';
import { BanList } from './services/risk/risk-bans.js';
import { RiskService, type SendGate } from './services/risk/risk-service.js';
import { listenRiskBroadcasts, socketRiskBus } from './transport/risk-bus.js';
import { UserSockets } from './transport/user-sockets.js';
import { riskHandshake } from './transport/risk-handshake.js';
import type { Store } from './store/store.js';
import { createBroadcastAdapter } from './transport/adapter.js';
import { createRouter, type Route } from './transport/http-router.js';
import { guardEvents, guardRoutes } from './handlers/curfew-guard.js';
import { listen } from './transport/listen.js';
import { loadStaticSite } from './transport/static-site.js';
import { landingResponse } from './handlers/landing-page.js';
import {
  createSocketServer,
  dropSlowConsumers,
  handleConnections,
  localMemberships,
  socketBroadcaster,
  type GameServer,
} from './transport/socket-server.js';

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
   * sockets, adapter, store, listener. Idempotent.
   */
  close(): Promise<void>;
}

export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<RunningApp> {
  const { timers } = config;
  const log = overrides.logger ?? createLogger(config.logLevel, config.nodeId);
  const clock = overrides.clock ?? systemClock;
  const randomInt = overrides.randomInt ? { randomInt: overrides.randomInt } : {};
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
  const tokens = new TokenService(config.auth.jwtSecret);
  const riskStore = store.risk;

  const io = createSocketServer(config, adapter.adapter);
  const userSockets = new UserSockets();
  const relay = new NodeRelay(
    config.nodeId,
    adapter.link,
    (u, e, a, except) => userSockets.emit(u, e, a, except),
    log,
  );
  const broadcaster = socketBroadcaster(io, relay);
  const riskBus = socketRiskBus(io, store.kind !== 'memory', userSockets);
  const bans = new BanList(riskStore, riskBus, log);
  const risk = new RiskService({
    store: riskStore,
    bans,
    bus: riskBus,
    clock,
    policy: config.risk,
    registry: metrics.registry,
    log,
  });
  const admitSend: SendGate = (sender, id, kind, amount) => risk.admitSend(sender, id, kind, amount);
  listenRiskBroadcasts(io, bans, risk, log);
  const screen = new ContentScreen({
    nodeId: config.nodeId,
    paths: config.screen.paths,
    riskStore,
    clock,
    registry: metrics.registry,
    log,
    countDecision: (outcome) => risk.count('content-blocked', outcome),
  });
  screen.connect(socketScreenBus(io, config.nodeId, store.kind !== 'memory'));
  listenScreenBroadcasts(io, screen);
  const screenText: TextCheck = (user, where, text) => screen.check(user, where, text);
  const acker = new CreditAcker(store, log);
  const payments = new Payments(store, clock, broadcaster, acker, log);
  const presence = new Presence(store, broadcaster, config.nodeId);
  const wallets = new WalletService(store, clock, broadcaster);
  const grabs = new GrabBatcher(broadcaster);
  const fenceAudit = new FenceAudit(store, riskStore, risk, clock, log, config.fence.probeFlagAt);
  const nearby = new NearbyService(store, clock, log, config.fence.nearbyMaxRadiusM);
  const packets = new PacketService({
    store,
    clock,
    broadcaster,
    payments,
    grabs,
    metrics,
    log,
    limits: config.limits,
    admitSend,
    screenText,
    onClosed: (packetId, reason) => relay.packetClosed(packetId, reason),
    fence: config.fence,
    onFenceAttempt: (attempt) => fenceAudit.record(attempt),
    ...randomInt,
  });
  const gone = new GoneBatcher(broadcaster);
  const rains = new RainService({
    store,
    clock,
    broadcaster,
    payments,
    gone,
    metrics,
    limits: config.limits,
    admitSend,
    onGone: (rainId, dropId) => relay.dropGone(rainId, dropId),
    waiter: new LotteryWaiter(store.lottery, clock, log),
    ...(overrides.newRainSeed ? { newSeed: overrides.newRainSeed } : {}),
  });
  relay.handle({
    packetClosed: (packetId, reason) => packets.learnClosed(packetId, reason),
    dropGone: (rainId, dropId) => rains.learnGone(rainId, dropId),
  });
  const rainAudit = new RainAudit(store);
  const runner = new RainRunner(store, clock, rains, broadcaster, gone, metrics, log, {
    nodeId: config.nodeId,
    leaseTtlMs: config.rain.leaseTtlMs,
    scanMs: config.rain.scanMs,
  });
  const karaoke = new KaraokeService(store, clock, broadcaster, config.karaoke);
  const rooms = new RoomService(
    store,
    clock,
    broadcaster,
    presence,
    rains,
    karaoke,
    config.limits.chatHistory,
    screenText,
  );
  const sweeper = new ExpirySweeper(store, packets, clock);
  const reaper = new NodeReaper(store, clock, presence, log, {
    nodeId: config.nodeId,
    deadAfterMs: timers.nodeDeadAfterMs,
    localMemberships: () => localMemberships(io),
  });
  const reconciler = new Reconciler(store, clock, broadcaster, metrics, log, config.timers.reconcileGraceMs);

  const signer = new CodeSigner(config.codes.secret, config.codes.rotateMs);
  const codes = new CodeService(store, clock, packets, signer);
  const receive = new ReceiveService(store, clock, packets, signer, broadcaster, log, screenText);
  const phrases = new PhraseService(store, clock, packets, log);

  const storeProbe = new StoreProbe(store, metrics);
  const auditProbe = new AuditProbe(store, clock, metrics);
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
    handlers: guardEvents(
      guardGrabs(
        {
          ...roomHandlers(services),
          ...packetHandlers(services),
          ...rainHandlers(services),
          ...karaokeHandlers(services),
          ...codeHandlers(services),
          ...authHandlers(tokens, risk),
        },
        risk,
      ),
      config.curfew,
      clock,
    ),
  });
  // After authentication (registered by handleConnections): bans, address, device id.
  io.use(riskHandshake(risk, config.risk.trustedProxies));
  const site = loadStaticSite(config.webDir);
  const routes = [
    ...httpRoutes({
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
    }),
    ...codeRoutes({ codes, receive }),
    ...riskRoutes({ risk, bans, store: riskStore, clock }),
    ...screenRoutes({ screen }),
  ];
  const router = createRouter(
    guardRoutes(routes, config.curfew, clock),
    tokens,
    metrics,
    log,
    (path) =>
      site.get(path) ??
      // A scanned code's short link (/c/<code>, /r/<code>) opens the page, which reads the path.
      (isCodePagePath(path) ? site.get('/') : null) ??
      (path === '/' ? landingResponse(store.kind, config.auth.devTokens) : null),
    (user) => risk.checkCaller(user.userId),
  );

  const tasks = [
    new Periodic('rain-runner', config.rain.tickMs, () => runner.tick(), log),
    new Periodic('expiry-sweeper', timers.sweepIntervalMs, () => sweeper.sweep().then(() => undefined), log),
    new Periodic(
      'reconciler',
      timers.reconcileIntervalMs,
      () => reconciler.reconcile().then(() => undefined),
      log,
    ),
    new Periodic('store-probe', timers.storeProbeMs, () => storeProbe.probe().then(() => undefined), log),
    ...(timers.auditIntervalMs > 0
      ? [new Periodic('audit', timers.auditIntervalMs, () => auditProbe.run().then(() => undefined), log)]
      : []),
    new Periodic('presence', timers.presenceIntervalMs, () => presence.flush(), log),
    new Periodic('node-heartbeat', timers.nodeHeartbeatMs, () => reaper.beat(), log),
    new Periodic('node-reaper', timers.nodeHeartbeatMs, () => reaper.reap().then(() => undefined), log),
    new Periodic(
      'grab-batches',
      timers.grabBatchMs,
      () => {
        grabs.flush();
        relay.flush();
        return Promise.resolve();
      },
      log,
    ),
    new Periodic(
      'karaoke-listened',
      config.karaoke.listenedIntervalMs,
      () => {
        karaoke.flushListened();
        return Promise.resolve();
      },
      log,
    ),
    new Periodic('risk-flush', config.risk.flushMs, () => risk.flush(), log),
    new Periodic('risk-bans', config.risk.banRefreshMs, () => bans.refresh(), log),
    new Periodic(
      'slow-consumers',
      1000,
      () => Promise.resolve(void dropSlowConsumers(io, config.ws.maxBackpressureBytes, log)),
      log,
    ),
  ];

  // Bans load now if the store answers, else on the first periodic refresh once it does.
  await bans.refresh().catch((err: unknown) => {
    log.warn({ err }, 'could not load bans at start; retrying every RISK_BAN_REFRESH_MS');
  });
  await reaper
    .clearPrevious()
    .then(() => reaper.beat())
    .catch((err: unknown) => {
      log.warn({ err }, 'could not record this node as alive yet');
    });
  const listening = await listen(io, router, config);
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

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      listening.stopAccepting();
      await Promise.all(tasks.map((t) => t.stop()));
      await runner.handOver().catch((err: unknown) => {
        log.warn({ err }, 'could not hand rain leases back');
      });
      grabs.flush();
      await acker.flush();
      await risk.flush();
      // `local`: with the Redis adapter a bare disconnectSockets() reaches every node's sockets.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await adapter.close();
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
    reaper,
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

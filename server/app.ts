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
import type { AppOverrides, RunningApp } from './app-types.js';
import { TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { systemClock } from './domain/clock.js';
import { isCodePagePath } from './domain/signed-codes.js';
import { codeRoutes } from './handlers/code-routes.js';
import type { Guards } from './handlers/context.js';
import { curfewGuard } from './handlers/curfew-guard.js';
import { eventHandlers } from './handlers/event-table.js';
import { httpRoutes } from './handlers/http-routes.js';
import { landingResponse } from './handlers/landing-page.js';
import { riskRoutes } from './handlers/risk-routes.js';
import { screenRoutes } from './handlers/screen-routes.js';
import { createLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { createClusterConcept } from './services/cluster/index.js';
import { NodeRelay } from './services/cluster/node-relay.js';
import { createCodesConcept } from './services/codes/index.js';
import { createFencesConcept } from './services/fences/index.js';
import { createMoneyConcept } from './services/money/index.js';
import { createPacketsConcept } from './services/packets/index.js';
import { createRainsConcept } from './services/rains/index.js';
import { createRiskConcept } from './services/risk/index.js';
import { createRoomsConcept } from './services/rooms/index.js';
import type { Presence } from './services/rooms/presence.js';
import type { ConceptTasks, NodeBasics } from './services/runtime/node-basics.js';
import { Periodic } from './services/runtime/periodic.js';
import { StoreProbe } from './services/runtime/store-probe.js';
import { createScreeningConcept } from './services/screening/index.js';
import { loadStartupWordLists } from './services/screening/word-list-files.js';
import { createStore } from './store/create-store.js';
import { openLedger, walletBalances } from './store/ledger/index.js';
import { connectRestoreControl } from './store/ledger/restore-control.js';
import { createBroadcastAdapter } from './transport/adapter.js';
import { ConnectionLimits } from './transport/connection-limits.js';
import { HttpLimits } from './transport/http-limits.js';
import { createRouter } from './transport/http-router.js';
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
} from './transport/socket-server.js';
import { loadStaticSite } from './transport/static-site.js';
import { SWEEP_MS as TOKEN_SWEEP_MS, TokenExpiry } from './transport/token-expiry.js';
import { UserSockets } from './transport/user-sockets.js';

export type { AppOverrides, RunningApp } from './app-types.js';

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
  const ledger = config.ledger
    ? await openLedger(config.ledger, log).catch(async (err: unknown) => {
        await Promise.all([adapter.close(), created.store.close()]);
        throw err;
      })
    : undefined;
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
  // With a ledger on Redis: the restore keys, on a connection of their own (restore-control.ts).
  const restoreLink =
    ledger && config.store.kind !== 'memory' && !overrides.store
      ? connectRestoreControl(config.store, ledger.pool)
      : undefined;
  const { payments, acker, wallets, reconciler, restoreWatch, balances } = withTasks(
    createMoneyConcept(
      node,
      ledger && config.ledger
        ? {
            ledger: ledger.writer,
            ...(restoreLink
              ? { restore: { control: restoreLink.control, autoRestore: config.ledger.autoRestore } }
              : {}),
            reconcile: {
              balances: (userIds) => walletBalances(ledger.pool, userIds),
              intervalMs: config.ledger.reconcileIntervalMs,
              graceMs: config.ledger.reconcileGraceMs,
              maxUsers: config.ledger.reconcileMaxUsers,
            },
          }
        : {},
    ),
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
  const tokenExpiry = new TokenExpiry(io, config.ws.tokenExpiryGraceMs, metrics);
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
      ...(balances ? { reconcile: (all: boolean) => balances.check(all) } : {}),
      ...(ledger
        ? {
            ledgerReady: () =>
              restoreWatch?.fenced
                ? Promise.reject(new Error('fenced off while Redis is restored from the ledger'))
                : ledger.ready(),
          }
        : {}),
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
      'token-expiry',
      TOKEN_SWEEP_MS,
      () => {
        tokenExpiry.sweep(clock.now());
        return Promise.resolve();
      },
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
  // Before serving money: is Redis the ledger's state, or must it be restored (and by whom)?
  await restoreWatch?.check();
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
      restoreLink?.close();
      await ledger?.close();
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
    restoreWatch,
    balances,
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

/**
 * The composition root: builds one node from its config — store, services, socket.io,
 * HTTP routes, background tasks — starts listening, and knows how to stop in order.
 */
import { TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { RandomInt } from './domain/split.js';
import { httpRoutes } from './handlers/http-routes.js';
import { packetHandlers } from './handlers/packet-handlers.js';
import { roomHandlers } from './handlers/room-handlers.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { CreditAcker } from './services/credit-acker.js';
import { ExpirySweeper } from './services/expiry-sweeper.js';
import { PacketService } from './services/packet-service.js';
import { Periodic } from './services/periodic.js';
import { Presence } from './services/presence.js';
import { Reconciler } from './services/reconciler.js';
import { RoomService } from './services/room-service.js';
import { WalletService } from './services/wallet-service.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';
import { createBroadcastAdapter } from './transport/adapter.js';
import { createRouter } from './transport/http-router.js';
import { listen } from './transport/listen.js';
import {
  createSocketServer,
  dropSlowConsumers,
  handleConnections,
  socketBroadcaster,
  type GameServer,
} from './transport/socket-server.js';

export interface AppOverrides {
  clock?: Clock;
  store?: Store;
  logger?: Logger;
  randomInt?: RandomInt;
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
  readonly tokens: TokenService;
  /** Stops in order: accepting, background tasks, sockets, store, listener. Idempotent. */
  close(): Promise<void>;
}

export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<RunningApp> {
  const log = overrides.logger ?? createLogger(config.logLevel, config.nodeId);
  const clock = overrides.clock ?? systemClock;
  const store = overrides.store ?? (await createStore(config.store, log));
  const adapter = await createBroadcastAdapter(config.store, log);
  const metrics = new Metrics(config.nodeId);
  const tokens = new TokenService(config.auth.jwtSecret);

  const io = createSocketServer(config, adapter.adapter);
  const broadcaster = socketBroadcaster(io);
  const acker = new CreditAcker(store, log);
  const presence = new Presence(store, broadcaster);
  const rooms = new RoomService(store, clock, broadcaster, presence, config.limits.chatHistory);
  const wallets = new WalletService(store, clock, broadcaster);
  const packets = new PacketService({
    store,
    clock,
    broadcaster,
    acker,
    metrics,
    log,
    limits: config.limits,
    ...(overrides.randomInt ? { randomInt: overrides.randomInt } : {}),
  });
  const sweeper = new ExpirySweeper(store, packets, clock);
  const reconciler = new Reconciler(store, clock, broadcaster, metrics, log, config.timers.reconcileGraceMs);

  handleConnections(io, {
    tokens,
    rooms,
    log,
    metrics,
    clock,
    rateLimit: config.rateLimit,
    handlers: { ...roomHandlers({ clock, rooms, packets }), ...packetHandlers({ clock, rooms, packets }) },
  });
  const router = createRouter(
    httpRoutes({
      store,
      tokens,
      metrics,
      packets,
      wallets,
      devTokens: config.auth.devTokens,
      metricsToken: config.metricsToken,
    }),
    tokens,
    metrics,
    log,
  );

  const tasks = [
    new Periodic(
      'expiry-sweeper',
      config.timers.sweepIntervalMs,
      async () => {
        await sweeper.sweep();
      },
      log,
    ),
    new Periodic(
      'reconciler',
      config.timers.reconcileIntervalMs,
      async () => {
        await reconciler.reconcile();
      },
      log,
    ),
    new Periodic('presence', config.timers.presenceIntervalMs, () => presence.flush(), log),
    new Periodic(
      'slow-consumers',
      1000,
      () => Promise.resolve(void dropSlowConsumers(io, config.ws.maxBackpressureBytes, log)),
      log,
    ),
  ];

  const listening = await listen(io, router, config);
  for (const task of tasks) task.start();
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
      await acker.flush();
      io.disconnectSockets(true);
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
    reconciler,
    sweeper,
    presence,
    tokens,
    close,
  };
}

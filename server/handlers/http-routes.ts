/** The HTTP API (docs/protocol.md, "HTTP"). Bodies are validated with the shared schemas. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { MeResponse, ReconcileReport } from '@red-packet/sdk/protocol';
import {
  creditBodySchema,
  describeIssues,
  devTokenBodySchema,
  idSchema,
  nearbyQuerySchema,
  packetSpecSchema,
  rainSpecSchema,
  reconcileQuerySchema,
} from '@red-packet/sdk/schemas';
import type { TokenService } from '../auth/tokens.js';
import { GameError } from '../domain/errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { FenceAudit } from '../services/fences/fence-audit.js';
import type { NearbyService } from '../services/fences/nearby-service.js';
import type { PacketService } from '../services/packets/packet-service.js';
import type { RainAudit } from '../services/rains/rain-audit.js';
import type { RainService } from '../services/rains/rain-service.js';
import type { WalletService } from '../services/money/wallet-service.js';
import type { Store } from '../store/store.js';
import { StoreUnavailableError } from '../store/store.js';
import { errorResponse, withBody, withQuery, type Route } from '../transport/http-router.js';
import type { CurfewGuard } from './curfew-guard.js';
import { apiDocsRoutes } from './api-docs-routes.js';
import { json } from '../transport/http-types.js';

export interface HttpDeps {
  /** Around the routes that move a minor's money (curfew-guard.ts). */
  curfew: CurfewGuard;
  store: Store;
  tokens: TokenService;
  metrics: Metrics;
  packets: PacketService;
  /** Nearby discovery and the claim-location log of location-fenced packets. */
  nearby: NearbyService;
  fenceAudit: FenceAudit;
  rains: RainService;
  /** Replay bundles and host reports of rains (docs/fairness.md). */
  rainAudit: RainAudit;
  wallets: WalletService;
  devTokens: boolean;
  metricsToken: string | undefined;
  /** How long /readyz waits for the store. @default 1000 */
  readyTimeoutMs?: number;
  /** Whether broadcasts can cross nodes (the adapter's Redis clients are connected). */
  broadcastReady: () => boolean;
  /** With PostgreSQL: resolves if it answers (`SELECT 1`); /readyz waits for it like the store. */
  ledgerReady?: () => Promise<void>;
  /** With PostgreSQL: this node's reconciliation of balances (services/money/balance-reconciler.ts). */
  reconcile?: (all: boolean) => Promise<ReconcileReport>;
}

/** Parses with `schema` or throws INVALID_PAYLOAD naming the first problem. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new GameError('INVALID_PAYLOAD', describeIssues(result.error));
  return result.data;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether `given` equals the text whose SHA-256 is `expected`, in constant time: comparing
 * fixed-length digests with timingSafeEqual leaks neither a matching prefix nor the length.
 */
function sameDigest(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

export function httpRoutes(d: HttpDeps): Route[] {
  const metricsBearer = d.metricsToken ? digest(`Bearer ${d.metricsToken}`) : undefined;
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      access: 'public',
      summary: 'Liveness: the process is up',
      handle: () => Promise.resolve(json(200, { ok: true })),
    },
    {
      method: 'GET',
      path: '/readyz',
      access: 'public',
      summary:
        'Readiness: the store (and PostgreSQL, when configured) answers within 1 s (503 STORE_UNAVAILABLE otherwise)',
      handle: async () => {
        try {
          await withTimeout(d.store.ping(), d.readyTimeoutMs ?? 1000);
        } catch {
          return errorResponse('STORE_UNAVAILABLE', 'the store does not answer');
        }
        if (d.ledgerReady) {
          try {
            await withTimeout(d.ledgerReady(), d.readyTimeoutMs ?? 1000);
          } catch {
            return errorResponse('STORE_UNAVAILABLE', 'the ledger (PostgreSQL) does not answer');
          }
        }
        if (!d.broadcastReady())
          return errorResponse('STORE_UNAVAILABLE', 'broadcasts cannot reach the other nodes');
        return json(200, { ok: true, store: d.store.kind });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      access: 'public',
      summary: 'Prometheus text exposition (bearer METRICS_TOKEN when configured)',
      handle: async ({ req }) => {
        if (metricsBearer && !sameDigest(req.authorization ?? '', metricsBearer)) {
          return errorResponse('UNAUTHORIZED', 'metrics need the configured bearer token');
        }
        return {
          status: 200,
          contentType: d.metrics.registry.contentType,
          body: await d.metrics.registry.metrics(),
        };
      },
    },
    {
      method: 'GET',
      path: '/v1/me',
      access: 'user',
      summary: 'The caller: id, name, role and balance (fen)',
      handle: async ({ user }) => {
        const { userId, name, role } = user;
        const me: MeResponse = { userId, name, role, balance: await d.wallets.balance(userId) };
        return json(200, me);
      },
    },
    d.curfew.route(
      withBody(packetSpecSchema, {
        method: 'POST',
        path: '/v1/rooms/:roomId/packets',
        access: 'user',
        summary: 'Send a group packet to a room (as packet:send)',
        handle: async ({ user, params, body }) => {
          const roomId = parse(idSchema, params[0]);
          return json(201, { packet: await d.packets.send(user, roomId, body) });
        },
      }),
    ),
    // Before /v1/packets/:packetId, which would otherwise take `nearby` for an id.
    withQuery(nearbyQuerySchema, {
      method: 'GET',
      path: '/v1/packets/nearby',
      access: 'user',
      summary:
        'Open location-fenced packets whose centre is within radiusM (default 1000) of lat,lng, nearest first (as packet:nearby)',
      handle: async ({ query }) => json(200, await d.nearby.search(query)),
    }),
    {
      method: 'GET',
      path: '/v1/admin/packets/:packetId/locations',
      access: 'admin',
      summary: 'The claim locations reported on a fenced packet (client-reported, spoofable), newest first',
      handle: async ({ params }) =>
        json(200, { attempts: await d.fenceAudit.attempts(parse(idSchema, params[0])) }),
    },
    {
      method: 'GET',
      path: '/v1/packets/:packetId',
      access: 'user',
      summary: 'A packet, its claims (who, how much, when) and the best luck',
      handle: async ({ params }) => json(200, await d.packets.details(parse(idSchema, params[0]))),
    },
    {
      method: 'DELETE',
      path: '/v1/packets/:packetId',
      access: 'user',
      summary: 'Cancel your timed packet before it opens: all of it is refunded (as packet:cancel)',
      handle: async ({ user, params }) => json(200, await d.packets.cancel(user, parse(idSchema, params[0]))),
    },
    d.curfew.route(
      withBody(rainSpecSchema, {
        method: 'POST',
        path: '/v1/rooms/:roomId/rains',
        access: 'host',
        summary: 'Schedule a rain in a room (as rain:schedule)',
        handle: async ({ user, params, body }) => {
          const roomId = parse(idSchema, params[0]);
          return json(201, { rain: await d.rains.schedule(user, roomId, body) });
        },
      }),
    ),
    {
      method: 'GET',
      path: '/v1/rains/:rainId',
      access: 'user',
      summary: 'A rain: status, totals (winners counted up to 1,000), top 10 winners',
      handle: async ({ params }) => json(200, await d.rainAudit.details(parse(idSchema, params[0]))),
    },
    {
      method: 'GET',
      path: '/v1/rains/:rainId/replay',
      access: 'user',
      handle: async ({ params }) => json(200, await d.rainAudit.replay(parse(idSchema, params[0]))),
    },
    {
      method: 'GET',
      path: '/v1/rains/:rainId/report',
      access: 'host',
      handle: async ({ user, params }) =>
        json(200, await d.rainAudit.report(user, parse(idSchema, params[0]))),
    },
    {
      method: 'DELETE',
      path: '/v1/rains/:rainId',
      access: 'host',
      summary: 'Cancel a rain (its host or an admin); the rest goes back to the host',
      handle: async ({ user, params }) => json(200, await d.rains.cancel(user, parse(idSchema, params[0]))),
    },
    withBody(creditBodySchema, {
      method: 'POST',
      path: '/v1/admin/wallets/:userId/credit',
      access: 'admin',
      summary: 'Mint test money into a wallet (ledgered; idempotent with idempotencyKey)',
      handle: async ({ params, body }) => {
        const userId = parse(idSchema, params[0]);
        return json(200, await d.wallets.mint(userId, body.amount, body.idempotencyKey));
      },
    }),
    {
      method: 'GET',
      path: '/v1/admin/audit',
      access: 'admin',
      summary: 'The conservation audit',
      handle: async () => json(200, await d.store.audit.report()),
    },
    withQuery(reconcileQuerySchema, {
      method: 'GET',
      path: '/v1/admin/reconcile',
      access: 'admin',
      summary:
        'Reconciliation (对账): Redis balances against the PostgreSQL ledger, for the users this node touched (all=1: every user); 404 without DATABASE_URL',
      handle: async ({ query }) => {
        if (!d.reconcile)
          throw new GameError('NOT_FOUND', 'reconciliation needs the PostgreSQL ledger (DATABASE_URL)');
        return json(200, await d.reconcile(query.all === '1'));
      },
    }),
    ...apiDocsRoutes(),
  ];
  if (d.devTokens) {
    routes.push(
      withBody(devTokenBodySchema, {
        method: 'POST',
        path: '/v1/dev/token',
        access: 'public',
        summary: 'Dev mode only: sign a token for any user and role',
        handle: async ({ body }) => json(200, { token: await d.tokens.sign(body) }),
      }),
    );
  }
  return routes;
}

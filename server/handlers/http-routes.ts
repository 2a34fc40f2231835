/** The HTTP API (docs/protocol.md, "HTTP"). Bodies are validated with the shared schemas. */
import type { z } from 'zod';
import type { MeResponse } from '../../shared/protocol.js';
import {
  creditBodySchema,
  describeIssues,
  devTokenBodySchema,
  idSchema,
  packetSpecSchema,
  rainSpecSchema,
} from '../../shared/schemas.js';
import type { TokenService } from '../auth/tokens.js';
import { GameError } from '../domain/errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { PacketService } from '../services/packet-service.js';
import type { RainService } from '../services/rain-service.js';
import type { WalletService } from '../services/wallet-service.js';
import type { Store } from '../store/store.js';
import { StoreUnavailableError } from '../store/store.js';
import { errorResponse, type Route } from '../transport/http-router.js';
import { json } from '../transport/http-types.js';

export interface HttpDeps {
  store: Store;
  tokens: TokenService;
  metrics: Metrics;
  packets: PacketService;
  rains: RainService;
  wallets: WalletService;
  devTokens: boolean;
  metricsToken: string | undefined;
  /** How long /readyz waits for the store. @default 1000 */
  readyTimeoutMs?: number;
  /** Whether broadcasts can cross nodes (the adapter's Redis clients are connected). */
  broadcastReady: () => boolean;
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

export function httpRoutes(d: HttpDeps): Route[] {
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      access: 'public',
      handle: () => Promise.resolve(json(200, { ok: true })),
    },
    {
      method: 'GET',
      path: '/readyz',
      access: 'public',
      handle: async () => {
        try {
          await withTimeout(d.store.ping(), d.readyTimeoutMs ?? 1000);
        } catch {
          return errorResponse('STORE_UNAVAILABLE', 'the store does not answer');
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
      handle: async ({ req }) => {
        if (d.metricsToken && req.authorization !== `Bearer ${d.metricsToken}`) {
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
      handle: async ({ user }) => {
        const { userId, name, role } = user;
        const me: MeResponse = { userId, name, role, balance: await d.wallets.balance(userId) };
        return json(200, me);
      },
    },
    {
      method: 'POST',
      path: '/v1/rooms/:roomId/packets',
      access: 'user',
      handle: async ({ user, params, body }) => {
        const roomId = parse(idSchema, params[0]);
        const spec = parse(packetSpecSchema, body);
        return json(201, { packet: await d.packets.send(user, roomId, spec) });
      },
    },
    {
      method: 'GET',
      path: '/v1/packets/:packetId',
      access: 'user',
      handle: async ({ params }) => json(200, await d.packets.details(parse(idSchema, params[0]))),
    },
    {
      method: 'DELETE',
      path: '/v1/packets/:packetId',
      access: 'user',
      handle: async ({ user, params }) => json(200, await d.packets.cancel(user, parse(idSchema, params[0]))),
    },
    {
      method: 'POST',
      path: '/v1/rooms/:roomId/rains',
      access: 'host',
      handle: async ({ user, params, body }) => {
        const roomId = parse(idSchema, params[0]);
        const spec = parse(rainSpecSchema, body);
        return json(201, { rain: await d.rains.schedule(user, roomId, spec) });
      },
    },
    {
      method: 'GET',
      path: '/v1/rains/:rainId',
      access: 'user',
      handle: async ({ params }) => json(200, await d.rains.details(parse(idSchema, params[0]))),
    },
    {
      method: 'DELETE',
      path: '/v1/rains/:rainId',
      access: 'host',
      handle: async ({ user, params }) => json(200, await d.rains.cancel(user, parse(idSchema, params[0]))),
    },
    {
      method: 'POST',
      path: '/v1/admin/wallets/:userId/credit',
      access: 'admin',
      handle: async ({ params, body }) => {
        const userId = parse(idSchema, params[0]);
        const { amount, idempotencyKey } = parse(creditBodySchema, body);
        return json(200, await d.wallets.mint(userId, amount, idempotencyKey));
      },
    },
    {
      method: 'GET',
      path: '/v1/admin/audit',
      access: 'admin',
      handle: async () => json(200, await d.store.audit()),
    },
  ];
  if (d.devTokens) {
    routes.push({
      method: 'POST',
      path: '/v1/dev/token',
      access: 'public',
      handle: async ({ body }) => {
        const identity = parse(devTokenBodySchema, body);
        return json(200, { token: await d.tokens.sign(identity) });
      },
    });
  }
  return routes;
}

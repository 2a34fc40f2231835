/** The HTTP routes of code packets and receive codes (docs/protocol.md, "Codes"). */
import type { z } from 'zod';
import {
  codeClaimSchema,
  codeSchema,
  describeIssues,
  idSchema,
  receiveCodeBodySchema,
  receivePaySchema,
  staticCodeBodySchema,
} from '@red-packet/sdk/schemas';
import { GameError } from '../domain/errors.js';
import type { CodeService } from '../services/codes/code-service.js';
import type { ReceiveService } from '../services/codes/receive-service.js';
import type { CurfewGuard } from './curfew-guard.js';
import type { Route } from '../transport/http-router.js';
import { json } from '../transport/http-types.js';

export interface CodeRouteDeps {
  /** Around the routes that move a minor's money (curfew-guard.ts). */
  curfew: CurfewGuard;
  codes: CodeService;
  receive: ReceiveService;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new GameError('INVALID_PAYLOAD', describeIssues(result.error));
  return result.data;
}

export function codeRoutes(d: CodeRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/packets/:packetId/code',
      access: 'user',
      handle: async ({ user, params }) => json(200, await d.codes.rotating(user, parse(idSchema, params[0]))),
    },
    {
      method: 'POST',
      path: '/v1/packets/:packetId/static-code',
      access: 'user',
      handle: async ({ user, params, body }) => {
        const packetId = parse(idSchema, params[0]);
        const { ttlMs } = parse(staticCodeBodySchema, body ?? {});
        return json(201, await d.codes.static(user, packetId, ttlMs));
      },
    },
    d.curfew.route({
      method: 'POST',
      path: '/v1/claims',
      access: 'user',
      handle: async ({ user, body }) => {
        const { code, location } = parse(codeClaimSchema, body);
        return json(200, await d.codes.claim(user, code, location));
      },
    }),
    d.curfew.route({
      method: 'POST',
      path: '/v1/packets/:packetId/open',
      access: 'user',
      handle: async ({ user, params }) => json(200, await d.receive.open(user, parse(idSchema, params[0]))),
    }),
    {
      method: 'GET',
      path: '/v1/me/receive-code',
      access: 'user',
      handle: async ({ user }) => json(200, await d.receive.mine(user)),
    },
    {
      method: 'POST',
      path: '/v1/me/receive-code',
      access: 'user',
      handle: async ({ user, body }) =>
        json(201, await d.receive.renew(user, parse(receiveCodeBodySchema, body ?? {}))),
    },
    {
      method: 'GET',
      path: '/v1/me/received',
      access: 'user',
      handle: async ({ user }) => json(200, { packets: await d.receive.received(user) }),
    },
    {
      method: 'GET',
      path: '/v1/receive-codes/:code',
      access: 'user',
      handle: async ({ params }) => json(200, await d.receive.resolve(parse(codeSchema, params[0]))),
    },
    d.curfew.route({
      method: 'POST',
      path: '/v1/receive-codes/pay',
      access: 'user',
      handle: async ({ user, body }) =>
        json(201, { packet: await d.receive.pay(user, parse(receivePaySchema, body)) }),
    }),
  ];
}

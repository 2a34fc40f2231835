/**
 * The OpenAPI 3.1 document of the HTTP API, from the route table the server runs
 * (`httpRoutes`, with dev tokens on so that route is listed too, and `screenRoutes`): each route's body from the
 * zod schema the router validates it with, its answer from `HttpResults` in
 * shared/protocol.ts, and every error as `{ error: { code, message } }` with the code's status.
 */
import type { z } from 'zod';
import { HTTP_STATUS, type ErrorCode } from '@red-packet/sdk/codes';
import { idSchema } from '@red-packet/sdk/schemas';
import { noCurfew } from '../../server/handlers/curfew-guard.js';
import { httpRoutes, type HttpDeps } from '../../server/handlers/http-routes.js';
import { screenRoutes, type ScreenRouteDeps } from '../../server/handlers/screen-routes.js';
import type { Route } from '../../server/transport/http-router.js';
import type { JsonSchema, TypeSchemas } from './ts-schemas.js';
import { inputSchema } from './zod-schemas.js';

/** The routes the server serves, read from its own table; handlers are never called here. */
export function serverRoutes(): Route[] {
  return [
    ...httpRoutes({ devTokens: true, curfew: noCurfew } as HttpDeps),
    ...screenRoutes({} as ScreenRouteDeps),
  ];
}

const statuses = (): Map<number, ErrorCode[]> => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const [code, status] of Object.entries(HTTP_STATUS) as [ErrorCode, number][]) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
};

export function buildOpenApi(types: TypeSchemas, version: string): JsonSchema {
  const results = types.members('HttpResults');
  const routes = serverRoutes();
  const undocumented = routes.map((r) => `${r.method} ${r.path}`).filter((k) => !results.has(k));
  if (undocumented.length > 0) {
    throw new Error(
      `HTTP routes without an answer type: add them to HttpResults in shared/protocol/http.ts: ${undocumented.join(', ')}`,
    );
  }
  const errorStatuses = statuses();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params: JsonSchema[] = [
      ...[...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: inputSchema(idSchema, 'draft-2020-12'),
      })),
      // Query parameters: the fields of the route's query schema (values arrive as strings).
      ...Object.entries((route.query?.shape ?? {}) as Record<string, z.ZodType>).map(([name, field]) => ({
        name,
        in: 'query',
        required: !field.safeParse(undefined).success,
        schema: inputSchema(field, 'draft-2020-12'),
      })),
    ];
    const result = results.get(`${route.method} ${route.path}`) ?? {};
    const { description: resultDoc, ...resultSchema } = result;
    const text = resultSchema.type === 'string';
    const success = route.method === 'POST' && route.path.startsWith('/v1/rooms/') ? '201' : '200';
    const responses: Record<string, JsonSchema> = {
      [success]: {
        description: typeof resultDoc === 'string' ? resultDoc : 'OK',
        content: { [text ? 'text/plain' : 'application/json']: { schema: resultSchema } },
      },
    };
    for (const status of errorStatuses.keys()) {
      if (route.access === 'public' && (status === 401 || status === 403) && route.path !== '/metrics')
        continue;
      responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
    }
    if (route.body) responses['413'] = { $ref: '#/components/responses/Error413' };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary ?? `${route.method} ${route.path}`,
      ...(route.access === 'public' ? { security: [] } : { 'x-required-role': route.access }),
      ...(route.access === 'public'
        ? {}
        : { description: `Needs a bearer JWT with role ${route.access} or above.` }),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: inputSchema(route.body, 'draft-2020-12') } },
            },
          }
        : {}),
      responses,
    };
  }

  const errorResponses: Record<string, JsonSchema> = {};
  for (const [status, codes] of errorStatuses) {
    errorResponses[`Error${status}`] = {
      description: `An error with one of: ${codes.join(', ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/HttpErrorBody' } } },
    };
  }
  errorResponses.Error413 = {
    description: 'The body is larger than 64 KiB (code INVALID_PAYLOAD)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/HttpErrorBody' } } },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Red-packet rain: HTTP API',
      version,
      description:
        'JSON over HTTP; amounts are integer fen. Generated by `npm run docs:api` from the ' +
        'route table (server/handlers/http-routes.ts) and the zod schemas the server validates ' +
        'with (shared/schemas.ts); docs/protocol.md is the prose.',
    },
    servers: [{ url: 'http://localhost:3000', description: 'A local node (npm start)' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: errorResponses,
      schemas: {
        ...types.components(),
        HttpErrorBody: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { $ref: '#/components/schemas/ErrorCode' },
                message: { type: 'string' },
              },
              required: ['code', 'message'],
            },
          },
          required: ['error'],
        },
        ErrorCode: {
          type: 'string',
          enum: Object.keys(HTTP_STATUS),
          description: 'The closed set of error codes (shared/codes.ts)',
        },
      },
    },
  };
}

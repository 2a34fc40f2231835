/**
 * A small router: method + path pattern → handler, with authentication and JSON bodies
 * done once here. Errors become `{ error: { code, message } }` with the code's status.
 */
import type { z } from 'zod';
import { HTTP_STATUS, type ErrorCode } from '@red-packet/sdk/codes';
import type { AckErrorDetails } from '@red-packet/sdk/protocol';
import { describeIssues } from '@red-packet/sdk/schemas';
import type { Identity, TokenService } from '../auth/tokens.js';
import { GameError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { toAckError } from '../services/runtime/ack-errors.js';
import type { HttpLimits } from './http-limits.js';
import { json, type HttpHandler, type HttpRequest, type HttpResponse } from './http-types.js';

export type Access = 'public' | 'user' | 'host' | 'admin';

export interface RouteContext {
  /** Path parameters, in pattern order (already URL-decoded). */
  params: string[];
  /** The caller; present unless the route is public. */
  user: Identity;
  /** The JSON body (undefined when empty), parsed by the route's `body` schema if it has one. */
  body: unknown;
  /** The query string's parameters, parsed by the route's `query` schema (empty without one). */
  query: unknown;
  req: HttpRequest;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path pattern; each `:name` segment captures one parameter. */
  path: string;
  access: Access;
  /** One line for the OpenAPI document (docs/api/openapi.json). */
  summary?: string;
  /**
   * The JSON body's schema (from shared/schemas.ts). The router parses the body with it
   * (INVALID_PAYLOAD when it fails) and the OpenAPI generator documents it: one schema for
   * both. Declare it with `withBody` so the handler sees the parsed type.
   */
  body?: z.ZodType;
  /**
   * The query string's schema (an object of string-valued parameters): parsed like `body`
   * (INVALID_PAYLOAD when it fails) and documented as query parameters. Declare with `withQuery`.
   */
  query?: z.ZodObject;
  handle(ctx: RouteContext): Promise<HttpResponse>;
}

/** A route whose handler receives its query string already parsed by `schema`. */
export function withQuery<S extends z.ZodObject>(
  schema: S,
  route: Omit<Route, 'query' | 'handle'> & {
    handle(ctx: Omit<RouteContext, 'query'> & { query: z.output<S> }): Promise<HttpResponse>;
  },
): Route {
  // Sound: the router only calls `handle` with what `schema` parsed.
  return {
    ...route,
    query: schema,
    handle: (ctx) => route.handle({ ...ctx, query: ctx.query as z.output<S> }),
  };
}

/** A route whose handler receives its body already parsed by `schema`. */
export function withBody<S extends z.ZodType>(
  schema: S,
  route: Omit<Route, 'body' | 'handle'> & {
    handle(ctx: Omit<RouteContext, 'body'> & { body: z.output<S> }): Promise<HttpResponse>;
  },
): Route {
  // Sound: the router only calls `handle` with what `schema` parsed.
  return { ...route, body: schema, handle: (ctx) => route.handle({ ...ctx, body: ctx.body as z.output<S> }) };
}

const ROLE_RANK = { user: 0, host: 1, admin: 2 } as const;

interface CompiledRoute extends Route {
  regex: RegExp;
}

export const errorResponse = (
  code: ErrorCode,
  message: string,
  details: AckErrorDetails = {},
): HttpResponse => ({
  ...json(HTTP_STATUS[code], { error: { code, message, ...details } }),
  ...(details.retryAfterMs !== undefined ? { retryAfterSec: Math.ceil(details.retryAfterMs / 1000) } : {}),
});

/** Refuses a verified caller (e.g. a banned user) by throwing a GameError. */
export type CallerGate = (user: Identity) => void;

export interface RouterDeps {
  tokens: TokenService;
  metrics: Metrics;
  log: Logger;
  /** Rates per address and per user, and the Origin rules (http-limits.ts). */
  limits: HttpLimits;
  /** Answers GET requests no route matched (the web page's files), or null. */
  fallback?: (path: string) => HttpResponse | null;
  gate?: CallerGate;
}

/**
 * Every request: address rate → (preflight) → Origin of a state-changing method → route →
 * authentication → user rate → handler. Refusals answer with their code's status
 * (RATE_LIMITED: 429 with Retry-After).
 */
export function createRouter(routes: Route[], deps: RouterDeps): HttpHandler {
  const { tokens, metrics, log, limits, fallback = () => null, gate = () => undefined } = deps;
  const compiled: CompiledRoute[] = routes.map((r) => ({
    ...r,
    regex: new RegExp(`^${r.path.replace(/:[a-zA-Z]+/g, '([^/]+)')}$`),
  }));
  const anonymous: Identity = { userId: '', name: '', role: 'user' };

  return async (req) => {
    const candidates = compiled.filter((r) => r.regex.test(req.path));
    const route = candidates.find((r) => r.method === req.method);
    const label = route ? `${route.method} ${route.path}` : req.method === 'GET' ? 'static' : 'unmatched';
    let res: HttpResponse;
    try {
      limits.admitAddress(req);
      if (req.method === 'OPTIONS' && req.corsMethod !== undefined)
        return count(limits.preflight(req), 'preflight');
      limits.checkOrigin(req);
      const file = !route && req.method === 'GET' ? fallback(req.path) : null;
      if (file) {
        res = file;
      } else if (!route) {
        res =
          candidates.length > 0
            ? { ...errorResponse('NOT_FOUND', `${req.method} is not allowed on ${req.path}`), status: 405 }
            : errorResponse('NOT_FOUND', `no route ${req.method} ${req.path}`);
      } else {
        const user = route.access === 'public' ? anonymous : await authorize(req, route.access, tokens, gate);
        if (route.access !== 'public') limits.admitUser(user.userId);
        res = await route.handle({
          params: decodeParams(route.regex.exec(req.path) ?? []),
          user,
          body: route.body ? parseWith(route.body, parseBody(req.body)) : parseBody(req.body),
          query: route.query
            ? parseWith(route.query, Object.fromEntries(new URLSearchParams(req.query ?? '')))
            : {},
          req,
        });
      }
    } catch (err) {
      const error = toAckError(err, log, { route: label });
      metrics.errors.inc({ code: error.code });
      const { code, message, ...details } = error;
      res = errorResponse(code, message, details);
    }
    const cors = limits.corsHeaders(req);
    if (cors) res = { ...res, headers: { ...res.headers, ...cors } };
    return count(res, label);
  };

  function count(res: HttpResponse, label: string): HttpResponse {
    metrics.httpRequests.inc({ route: label, status: String(res.status) });
    return res;
  }
}

async function authorize(
  req: HttpRequest,
  access: Exclude<Access, 'public'>,
  tokens: TokenService,
  gate: CallerGate,
): Promise<Identity> {
  const user = await tokens.verifyBearer(req.authorization);
  gate(user);
  if (ROLE_RANK[user.role] < ROLE_RANK[access]) {
    throw new GameError('FORBIDDEN', `this needs the ${access} role`);
  }
  return user;
}

function decodeParams(match: RegExpExecArray | []): string[] {
  return match.slice(1).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw new GameError('INVALID_PAYLOAD', 'malformed path');
    }
  });
}

function parseWith(schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw new GameError('INVALID_PAYLOAD', describeIssues(result.error));
  return result.data;
}

function parseBody(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new GameError('INVALID_PAYLOAD', 'the body is not valid JSON');
  }
}

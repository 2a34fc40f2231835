/**
 * GET /v1/openapi.json and /v1/asyncapi.json: the committed protocol documents (docs/api/,
 * written by `npm run docs:api` from the schemas and registries the server runs with; the
 * build copies them to dist/docs/api). Read once, on the first request.
 */
import { readFile } from 'node:fs/promises';
import { GameError } from '../domain/errors.js';
import type { Route } from '../transport/http-router.js';

/** docs/api/ beside server/ in the source tree, and beside dist/server/ in a build. */
const API_DIR = new URL('../../docs/api/', import.meta.url);

function documentRoute(path: string, file: string, summary: string): Route {
  let cached: Promise<string> | undefined;
  return {
    method: 'GET',
    path,
    access: 'public',
    summary,
    handle: async () => {
      cached ??= readFile(new URL(file, API_DIR), 'utf8');
      try {
        return { status: 200, contentType: 'application/json', body: await cached };
      } catch {
        cached = undefined;
        throw new GameError('NOT_FOUND', `${file} is not part of this build (npm run docs:api)`);
      }
    },
  };
}

export function apiDocsRoutes(): Route[] {
  return [
    documentRoute('/v1/openapi.json', 'openapi.json', 'This API as an OpenAPI 3.1 document'),
    documentRoute('/v1/asyncapi.json', 'asyncapi.json', 'The socket protocol as an AsyncAPI 3 document'),
  ];
}

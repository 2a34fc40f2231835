/**
 * Both protocol documents as the committed files hold them (docs/api/*.json), so the writer
 * (`npm run docs:api`) and the staleness test produce byte-identical text.
 */
import { readFileSync } from 'node:fs';
import { buildAsyncApi } from './asyncapi.js';
import { buildOpenApi } from './openapi.js';
import { readProtocolTypes } from './ts-schemas.js';

export const DOCS_DIR = 'docs/api';

export function apiDocuments(): Record<'openapi.json' | 'asyncapi.json', string> {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  // One reader per document: each collects only the named types it uses.
  const openapi = buildOpenApi(readProtocolTypes(), version);
  const asyncapi = buildAsyncApi(readProtocolTypes(), version);
  return {
    'openapi.json': `${JSON.stringify(openapi, null, 2)}\n`,
    'asyncapi.json': `${JSON.stringify(asyncapi, null, 2)}\n`,
  };
}

/**
 * The machine-readable protocol (docs/api/): the committed documents are what the generator
 * makes from the code today, they pass maintained validators (@readme/openapi-parser for
 * OpenAPI 3.1, @asyncapi/parser for AsyncAPI 3), they cover every event and route the
 * server has, and the server serves them.
 */
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemas } from '@red-packet/sdk/schemas';
import { apiDocuments, DOCS_DIR } from '../../scripts/api-docs/documents.js';
import { serverRoutes } from '../../scripts/api-docs/openapi.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const committed = (file: string): string => readFileSync(join(DOCS_DIR, file), 'utf8');

type Json = Record<string, unknown>;
type OpenApiInput = Parameters<typeof validate>[0];

async function asyncApiProblems(text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text);
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  return diagnostics
    .filter((d) => (d.severity as number) <= 1)
    .map((d) => `${d.path.join('.')}: ${d.message}`);
}

describe('protocol documents', () => {
  let generated: Record<string, string>;
  let server: TestServer;
  beforeAll(async () => {
    generated = apiDocuments(); // reads the TypeScript program: a few seconds
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('are up to date with the code', () => {
    for (const [file, text] of Object.entries(generated)) {
      expect(committed(file) === text, `${DOCS_DIR}/${file} is out of date: run \`npm run docs:api\``).toBe(
        true,
      );
    }
  });

  it('OpenAPI 3.1 passes @readme/openapi-parser and lists every route', async () => {
    const doc = JSON.parse(committed('openapi.json')) as Json;
    const result = await validate(structuredClone(doc) as OpenApiInput);
    expect(result).toMatchObject({ valid: true });
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    for (const route of serverRoutes()) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    }
    // The validator is not a rubber stamp.
    const broken = structuredClone(doc);
    (broken.paths as Json)['/v1/me'] = { get: { responses: { 200: { $ref: '#/nowhere' } } } };
    expect((await validate(broken as OpenApiInput)).valid).toBe(false);
  });

  it('AsyncAPI 3 passes @asyncapi/parser and lists every event both ways', async () => {
    const text = committed('asyncapi.json');
    expect(await asyncApiProblems(text)).toEqual([]);
    const doc = JSON.parse(text) as { operations: Record<string, { action: string; reply?: unknown }> };
    for (const event of Object.keys(eventSchemas)) {
      const op = doc.operations[`receive.${event.replace(/:/g, '.')}`];
      expect(op, event).toMatchObject({ action: 'receive' });
      expect(op?.reply, `${event} has its ack as the reply`).toBeDefined();
    }
    for (const event of ['chat:message', 'packet:grabbed', 'rain:drops', 'wallet:updated']) {
      expect(doc.operations[`send.${event.replace(/:/g, '.')}`], event).toMatchObject({ action: 'send' });
    }
    const broken = JSON.parse(text) as Json;
    (broken.operations as Json)['receive.time.sync'] = { action: 'receive', channel: { $ref: '#/nowhere' } };
    expect(await asyncApiProblems(JSON.stringify(broken))).not.toEqual([]);
  }, 60_000);

  it('are served at /v1/openapi.json and /v1/asyncapi.json', async () => {
    for (const file of ['openapi.json', 'asyncapi.json']) {
      const res = await fetch(`${server.url}/v1/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.text()).toBe(committed(file));
    }
  });
});

/** `npm run docs:api`: rewrites docs/api/openapi.json and docs/api/asyncapi.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDocuments, DOCS_DIR } from './documents.js';

mkdirSync(DOCS_DIR, { recursive: true });
for (const [file, text] of Object.entries(apiDocuments())) {
  writeFileSync(join(DOCS_DIR, file), text);
  console.log(`wrote ${join(DOCS_DIR, file)}`);
}

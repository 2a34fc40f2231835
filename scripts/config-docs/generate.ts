/** `npm run docs:config`: rewrites the README's configuration table from server/config/env-vars.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { configTable, README_PATH, withConfigTable } from './readme-table.js';

const text = withConfigTable(readFileSync(README_PATH, 'utf8'), configTable());
const options = await resolveConfig(README_PATH);
writeFileSync(README_PATH, await format(text, { ...options, filepath: README_PATH }));
console.log(`wrote the configuration table of ${README_PATH}`);

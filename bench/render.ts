/**
 * npm run bench:render [-- results.json]
 *
 * Re-renders docs/benchmarks.md, docs/benchmarks.svg and docs/capacity.md from a saved run (default
 * bench/results/latest.json) — after editing docs/benchmarks-notes.md, or to publish a
 * --quick run's figures (the page then names the quick command that produced them).
 */
import { readFileSync } from 'node:fs';
import { writeDocs } from './report.js';
import type { BenchResults } from './results.js';

const file = process.argv[2] ?? 'bench/results/latest.json';
writeDocs(JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
console.log(`bench: docs/benchmarks.md, docs/benchmarks.svg and docs/capacity.md rendered from ${file}`);

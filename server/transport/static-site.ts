/**
 * The built web page (dist/web, made by `npm run build:web`), loaded into memory once at
 * start and served for GET requests no API route takes. Hashed assets are cached for good;
 * index.html is revalidated, so a new build is picked up on reload.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { HttpResponse } from './http-types.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticSite {
  /** The file for a request path ('/' is index.html), or null. */
  get(path: string): HttpResponse | null;
  readonly built: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

export function loadStaticSite(dir: string): StaticSite {
  const files = new Map<string, HttpResponse>();
  if (existsSync(join(dir, 'index.html'))) {
    for (const file of walk(dir)) {
      const path = `/${relative(dir, file).split('\\').join('/')}`;
      files.set(path, {
        status: 200,
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
        body: readFileSync(file),
        cacheControl: path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
  }
  return {
    built: files.size > 0,
    get: (path) => files.get(path === '/' ? '/index.html' : path) ?? null,
  };
}

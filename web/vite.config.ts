import { defineConfig } from 'vite';

/** The page is built into dist/web, which the server serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // @red-packet/sdk (the workspace package in shared/) from its TypeScript source.
  resolve: { conditions: ['rp-source', 'browser', 'module', 'import', 'default'] },
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022' },
});

import { defineConfig } from 'vite';

/** The page is built into dist/web, which the server serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022' },
});

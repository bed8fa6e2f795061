import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const dir = (rel: string): string => decodeURIComponent(new URL(rel, import.meta.url).pathname);

// The web UI, built into dist/ui and served by `vigil serve` at /. Everything is bundled (no CDN), and the page has
// no inline script so that the server's Content-Security-Policy can forbid them.
export default defineConfig({
  root: dir('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: dir('../dist/ui'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
});

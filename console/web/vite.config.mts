import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Vite runs with console/web as its root (scripts/build.mjs sets the cwd), so paths are relative to it.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    // The console server serves this folder; the path is shared with console/server's default.
    outDir: '../../dist/console/web',
    emptyOutDir: true,
    // No source maps in the served folder: they would publish the UI's full source (issue 13).
    sourcemap: false,
  },
  server: {
    // `vite` dev server: API calls and the SSE stream go to a console started with `npm start`.
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});

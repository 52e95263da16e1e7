import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';

const NOT_BUILT_PAGE =
  'The console web UI has not been built, so there is nothing to show here yet.\n' +
  'Run `npm run build` (it writes dist/console/web) and reload. The REST API under /api/v1 works without it.\n';

/** Paths the SPA fallback must never answer: the API and the agent endpoint have their own 404s. */
function isServerPath(urlPath: string): boolean {
  return urlPath === '/api' || urlPath.startsWith('/api/') || urlPath === '/agent' || urlPath === '/healthz';
}

/**
 * Serves the built React app from `webDir` with a single-page-app fallback: any other GET renders
 * index.html so client-side routes survive a reload. Checked per request, so building the UI
 * while the console runs needs no restart.
 */
export function webUi(webDir: string | undefined): Router {
  const router = Router();
  // Source maps carry the UI's full source: never served, even if an older or dev build left some.
  router.use((req, res, next) => {
    if (req.path.toLowerCase().endsWith('.map')) res.status(404).type('text/plain; charset=utf-8').send('Not found\n');
    else next();
  });
  if (webDir !== undefined) router.use(express.static(webDir, { index: 'index.html', fallthrough: true, maxAge: 0 }));
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path)) {
      next();
      return;
    }
    const index = webDir === undefined ? undefined : path.join(webDir, 'index.html');
    if (index !== undefined && existsSync(index)) {
      res.set('Cache-Control', 'no-cache').sendFile(index);
      return;
    }
    res.status(503).type('text/plain; charset=utf-8').send(NOT_BUILT_PAGE);
  };
  router.use(fallback);
  return router;
}

import { config } from 'zod';

/**
 * Imported first by the main window's entry, before @dlp/shared builds its schemas: zod otherwise
 * probes `new Function` when an object schema is created, which the page's CSP (no 'unsafe-eval')
 * refuses and reports as a violation. Jitless parsing needs no eval and is fast enough here.
 */
config({ jitless: true });

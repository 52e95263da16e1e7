// The console's layering as lint rules (issue 18, docs/ARCHITECTURE.md): per-folder import rules
// for the server's layers and feature folders, one page never importing another in the web UI, and
// no import loops anywhere. Imported by eslint.config.mjs.
import { readdirSync } from 'node:fs';
import globals from 'globals';
import { noNodeInBrowser } from './browser-safe.mjs';
import noImportCycle from './no-import-cycle.mjs';

// The console server's folders (docs/ARCHITECTURE.md): a feature holds one feature's service, routes
// and tests; layers below never import a feature; the composition (src/ root, wiring/, cli/) wires them.
const SERVER = 'console/server/src';
const SERVER_FEATURES = ['accounts', 'agents', 'alerts', 'audit', 'enrollment', 'events', 'exceptions', 'gateway', 'groups', 'policies', 'reports', 'settings', 'triage'];
const SERVER_COMPOSITION = ['wiring', 'cli'];
const SERVER_ROOT_FILES = ['app', 'main', 'main-options'];
/** The flat folders the feature folders replaced: nothing may bring them back. */
const SERVER_RETIRED = ['services', 'routes'];
/** Each layer and the layers it may import (everything else in src/ is above it or beside it). */
const SERVER_LAYERS = {
  logging: [],
  auth: [],
  tls: ['logging'],
  signing: ['logging'],
  store: ['logging'],
  ops: ['store', 'logging'],
  'service-kit': ['store', 'auth', 'logging'],
  transport: ['tls', 'logging'],
  cluster: ['service-kit', 'store', 'ops', 'auth', 'logging'],
  http: ['auth', 'ops', 'service-kit', 'store', 'logging'],
};

/** A relative specifier that climbs out of the importing folder into one of `folders` (any depth). */
const intoFolders = (folders, message) => ({ regex: `^(\\.\\./)+(${folders.join('|')})(/.*)?$`, caseSensitive: true, message });
const intoRootFiles = (message) => ({ regex: `^(\\.\\./)+(${SERVER_ROOT_FILES.join('|')})$`, caseSensitive: true, message });

const serverBase = [
  { group: ['**/agent/**', '@dlp/agent*'], message: 'The console talks to agents only through the protocol in @dlp/shared.' },
  { group: ['**/console/web/**', '@dlp/console-web*'], message: 'The server does not import the web UI.' },
  { group: ['**/shared/src/**'], message: 'Import @dlp/shared or @dlp/shared/node, not shared/src paths.' },
  intoFolders(SERVER_RETIRED, 'services/ and routes/ are gone: import the feature folder (docs/ARCHITECTURE.md).'),
];
const serverTestOnly = intoFolders(['testing'], 'testing/ holds test helpers: only tests (and store suites) import it.');
const serverTestSupport = [`${SERVER}/**/*.test.ts`, `${SERVER}/**/*.store-suite.ts`, `${SERVER}/store/suite/**`, `${SERVER}/testing/**`, `${SERVER}/**/*-test-helpers.ts`];

const serverLayerBlocks = Object.entries(SERVER_LAYERS).map(([layer, below]) => {
  const notBelow = Object.keys(SERVER_LAYERS).filter((l) => l !== layer && !below.includes(l));
  const up = `${layer}/ is a layer: it imports only ${below.length ? below.join(', ') : 'packages'}`;
  return {
    // A layer's tests may start a whole console (app.ts, testing/): they are above every folder.
    files: [`${SERVER}/${layer}/**/*.ts`],
    ignores: [`${SERVER}/**/*.test.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [
      ...serverBase,
      intoFolders(SERVER_FEATURES, `${up}, never a feature folder (move the shared piece down instead).`),
      intoFolders(SERVER_COMPOSITION, `${up}, never the composition (wiring/, cli/).`),
      intoRootFiles(`${up}, never app.ts or main.ts.`),
      ...(notBelow.length ? [intoFolders(notBelow, `${up}: the others are above it or beside it.`)] : []),
    ] }] },
  };
});
// Sources (not tests, not store suites) of a layer also never import testing/.
const serverLayerSourceBlocks = Object.keys(SERVER_LAYERS).map((layer) => {
  const block = serverLayerBlocks.find((b) => b.files[0] === `${SERVER}/${layer}/**/*.ts`);
  return { files: block.files, ignores: serverTestSupport, rules: { 'no-restricted-imports': ['error', { patterns: [...block.rules['no-restricted-imports'][1].patterns, serverTestOnly] }] } };
});

const featureFiles = SERVER_FEATURES.map((f) => `${SERVER}/${f}/**/*.ts`);
const noComposition = [
  intoFolders(SERVER_COMPOSITION, 'A feature never imports the composition (wiring/, cli/): they import features.'),
  intoRootFiles('A feature never imports app.ts or main.ts.'),
];
const serverFeatureBlocks = [
  { files: featureFiles, ignores: serverTestSupport, rules: { 'no-restricted-imports': ['error', { patterns: [...serverBase, ...noComposition, serverTestOnly] }] } },
  {
    // A service, a store adapter or a helper of a feature never reaches into routes (its own or another feature's).
    files: featureFiles,
    ignores: [...serverTestSupport, '**/*-routes.ts', '**/*-endpoint.ts', '**/event-stream.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...serverBase, ...noComposition, serverTestOnly, { regex: '(^|/)[^/]*-routes$', caseSensitive: true, message: 'Services never import routes: routes call services, not the other way round.' }] }] },
  },
];

const webBase = [
  { group: ['**/console/server/**', '@dlp/console-server*', '../server/*', '../../server/*'], message: 'console/web never imports console/server: types come through @dlp/shared (handbook §4).' },
  { group: ['@dlp/shared/node'], message: 'The web UI uses only the browser-safe @dlp/shared entry.' },
  { group: ['**/agent/**', '@dlp/agent*'], message: 'The web UI does not import the agent.' },
  ...noNodeInBrowser,
];
const WEB_PAGES = readdirSync(new URL('../console/web/src/pages', import.meta.url), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
const webPageBlocks = WEB_PAGES.map((page) => ({
  files: [`console/web/src/pages/${page}/**/*.{ts,tsx}`],
  rules: { 'no-restricted-imports': ['error', { patterns: [
    ...webBase,
    {
      regex: `^(\\.\\./)+(pages/)?(${WEB_PAGES.filter((p) => p !== page).join('|')})(/.*)?$`,
      caseSensitive: true,
      message: `A page never imports another page: move what ${page} shares into components/ (or hooks/, api/).`,
    },
  ] }] },
}));

export const consoleLayerConfigs = [
  { files: ['console/server/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: serverBase }] } },
  ...serverLayerBlocks,
  ...serverLayerSourceBlocks,
  ...serverFeatureBlocks,
  { files: ['console/web/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } }, rules: { 'no-restricted-imports': ['error', { patterns: webBase }] } },
  ...webPageBlocks,
  {
    // Zero import loops anywhere (issue 18): type-only imports count, a loop of types is still a loop.
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { local: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: { 'local/no-import-cycle': ['error', { roots: ['shared/src', 'agent', 'console/server/src', 'console/web/src', 'test', 'bench', 'tools'] }] },
  },
];

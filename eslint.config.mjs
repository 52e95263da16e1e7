// Lint enforces the handbook's layering (section 4) so dependency direction is checked, not remembered.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { noNodeInBrowser } from './eslint/browser-safe.mjs';
import { consoleLayerConfigs } from './eslint/console-layers.mjs';
const sharedOnly = { group: ['**/agent/**', '**/console/**', '@dlp/agent*', '@dlp/console*'], message: 'shared/ imports nothing from agent/ or console/ (handbook §4).' };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', 'agent/service/native/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // The agent's platform folder is where the OS adapter is picked (handbook §5), so it is exempt.
    ignores: ['agent/service/src/platform/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='platform']",
          message: 'Pick the OS adapter once at start-up (agent/service/src/platform); never branch on process.platform elsewhere.',
        },
      ],
    },
  },
  {
    files: ['shared/src/**/*.ts'],
    ignores: ['shared/src/node/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sharedOnly, ...noNodeInBrowser, { group: ['./node/*', '../node/*', '**/node/*'], message: 'The browser-safe shared entry must not import shared/src/node.' }] }] },
  },
  {
    files: ['shared/src/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sharedOnly] }] },
  },
  {
    files: ['agent/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/console/**', '@dlp/console*'], message: 'The agent talks to the console only through the protocol in @dlp/shared.' }, { group: ['**/shared/src/**'], message: 'Import @dlp/shared or @dlp/shared/node, not shared/src paths.' }] }] },
  },
  {
    // enforce/ runs one way (issue 12 item 12): decisions depend on @dlp/shared and enforce's own
    // interfaces (app-platform.ts, usb-platform.ts, logger.ts), tests on testing/ fakes. This block
    // replaces the agent/** rule for these files, so it repeats its patterns.
    files: ['agent/service/src/enforce/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/console/**', '@dlp/console*'], message: 'The agent talks to the console only through the protocol in @dlp/shared.' },
        { group: ['**/shared/src/**'], message: 'Import @dlp/shared or @dlp/shared/node, not shared/src paths.' },
        { group: ['**/platform', '**/platform/**'], message: 'enforce/ must not import platform/: use the interfaces in enforce/apps/app-platform.ts or enforce/usb/usb-platform.ts (platform implements them), and fakes from testing/.' },
        { group: ['**/core', '**/core/**', '**/agent'], message: 'enforce/ must not import core/ or the service: take the Logger from enforce/logger.ts; whole-agent tests live beside agent.ts.' },
      ] }],
    },
  },
  {
    files: ['agent/service/src/**/*.ts'],
    ignores: ['agent/service/src/platform/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='platform']", message: 'Only agent/service/src/platform picks the OS.' },
        { selector: "CallExpression[callee.name='require']", message: 'Use imports.' },
      ],
    },
  },
  {
    // The simulator is a stand-in for agents: it may only know the protocol (its test may start a console).
    files: ['tools/simulator/**/*.ts'],
    ignores: ['tools/simulator/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/agent/**', '**/console/**', '@dlp/agent*', '@dlp/console*'], message: 'The simulator speaks only the protocol in @dlp/shared.' }, { group: ['**/shared/src/**'], message: 'Import @dlp/shared or @dlp/shared/node, not shared/src paths.' }] }] },
  },
  // The console server's layers and feature folders, web pages, and no import loops anywhere.
  {
    // The tray's React pages are browser code behind contextIsolation: no Node, no Electron, and the
    // main process only through window.dlpTray (agent/tray/src/common/tray-api.ts).
    files: ['agent/tray/src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [
      ...noNodeInBrowser,
      { group: ['@dlp/shared/node'], message: 'The tray renderer uses only the browser-safe @dlp/shared entry.' },
      { group: ['electron', '**/main/**', '**/preload/**'], message: 'The renderer reaches the main process only through window.dlpTray (src/common/tray-api.ts).' },
      { group: ['**/console/**', '@dlp/console*'], message: 'The agent talks to the console only through the protocol in @dlp/shared.' },
      { group: ['**/shared/src/**'], message: 'Import @dlp/shared, not shared/src paths.' },
    ] }] },
  },
  {
    // The tray reaches the service only through the local socket's schema (handbook §4).
    files: ['agent/tray/src/main/**/*.ts', 'agent/tray/src/preload/**/*.ts', 'agent/tray/src/common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [
      { group: ['**/service/**', '@dlp/agent*'], message: 'The tray talks to the agent service only over the local socket (schema in @dlp/shared).' },
      { group: ['**/console/**', '@dlp/console*'], message: 'The agent talks to the console only through the protocol in @dlp/shared.' },
      { group: ['**/shared/src/**'], message: 'Import @dlp/shared or @dlp/shared/node, not shared/src paths.' },
      { group: ['**/renderer/**'], message: 'The main process does not import the renderer; it loads its built pages.' },
    ] }] },
  },
  ...consoleLayerConfigs,
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

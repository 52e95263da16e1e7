/* eslint-disable no-restricted-imports -- Node-side test: it reads the console's sources for the messages they word. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { I18n } from '../src/i18n';
import { translate } from '../src/i18n/language';
import { describeProblem } from '../src/components/issue-sentence';

/**
 * Issue 17 item 8, no English in the Chinese UI: every field problem the console words itself (in
 * its schemas and services) has a Chinese sentence. A new message without one fails here.
 */
const zh: I18n['t'] = (key, params) => translate('zh-CN', key, params);

describe('the console’s own validation messages', () => {
  it('knows every message the console’s schemas and services word themselves (a new one needs its translation)', () => {
    const root = path.resolve(__dirname, '../../..');
    const folders = ['shared/src/api', 'shared/src/schemas', 'console/server/src'];
    const messages = new Set<string>();
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) return name === 'cli' || name === 'testing' ? [] : files(full);
        return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
      });
    // The shapes a field problem is worded in: zod refinements and regexes, addIssue and issue objects.
    const shapes = [/\.(?:regex|refine)\([^;]*?,\s*'([^']{3,160})'\)/g, /message:\s*'([^']{3,160})'/g];
    for (const file of folders.flatMap((folder) => files(path.join(root, folder)))) {
      const source = readFileSync(file, 'utf8');
      for (const shape of shapes) for (const match of source.matchAll(shape)) if (match[1]) messages.add(match[1].replace(/\\\\/g, '\\'));
    }
    expect(messages.size).toBeGreaterThan(30);
    const untranslated = [...messages].filter((message) => describeProblem({ path: 'x', message, code: 'custom' }, zh) === '无效');
    expect(untranslated).toEqual([]);
  });
});

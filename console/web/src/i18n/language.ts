import { messagesEn, type MessageKey } from './messages-en';
import { messagesZhCn } from './messages-zh-cn';

/** The languages the console speaks (handbook §1: zh-CN and en). */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, so a reader can find theirs whatever language is showing. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

/** Message catalogues by language. */
export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en: messagesEn, 'zh-CN': messagesZhCn };

/** localStorage key that remembers the reader's choice across visits. */
export const LANGUAGE_STORAGE_KEY = 'dlp.console.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Minimal view of Storage so callers can pass `window.localStorage` or nothing. */
export interface LanguageStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The language to start with: the stored choice if any, else the browser's preferred languages
 * (any `zh*` picks Simplified Chinese), else English.
 */
export function initialLanguage(store: LanguageStore | null, preferred: readonly string[]): Language {
  const stored = readStored(store);
  if (stored) return stored;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function readStored(store: LanguageStore | null): Language | null {
  try {
    const value = store?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    // Storage can be disabled by browser settings; the language then simply is not remembered.
    return null;
  }
}

/** Remembers the choice; silently does nothing when storage is unavailable. */
export function storeLanguage(store: LanguageStore | null, language: Language): void {
  try {
    store?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // See readStored: not remembering is the only consequence.
  }
}

/** Parameters substituted into `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/** Looks up a message and fills its placeholders; unknown placeholders are left visible. */
export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const template = CATALOGUES[language][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MessageKey } from './messages-en';
import { initialLanguage, storeLanguage, translate, type Language, type LanguageStore, type MessageParams } from './language';

/** What components get from `useI18n()`. */
export interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, params?: MessageParams): string;
}

const I18nContext = createContext<I18n | null>(null);

function browserStore(): LanguageStore | null {
  try {
    return window.localStorage;
  } catch {
    // Accessing localStorage throws when the browser blocks storage for this site.
    return null;
  }
}

/** Provides the current language, persisted in localStorage, and keeps `<html lang>` in step. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => initialLanguage(browserStore(), navigator.languages ?? [navigator.language]));

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'app.documentTitle');
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    storeLanguage(browserStore(), next);
    setLanguageState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({ language, setLanguage, t: (key, params) => translate(language, key, params) }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current language and its translator; only valid under `I18nProvider`. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside I18nProvider');
  return value;
}

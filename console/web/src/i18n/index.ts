export { I18nProvider, useI18n, type I18n } from './i18n-context';
export { LANGUAGES, LANGUAGE_NAMES, type Language } from './language';
export type { MessageKey } from './messages-en';
export * from './format';

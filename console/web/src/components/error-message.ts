import { isApiRequestError, isUnreachable } from '../api';
import type { I18n } from '../i18n';

/** A sentence for people about why a request failed, in the reader's language. */
export function describeError(error: unknown, t: I18n['t']): string {
  if (!isApiRequestError(error)) return t('error.server', { message: error instanceof Error ? error.message : String(error) });
  if (isUnreachable(error)) return t('error.network');
  if (error.kind === 'invalid_response') return t('error.invalidResponse');
  switch (error.status) {
    case 401:
      return t('error.sessionExpired');
    case 403:
      return t('error.forbidden');
    case 429:
      return t('error.rateLimited');
    default:
      return t('error.server', { message: error.message });
  }
}

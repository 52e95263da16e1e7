import { isApiRequestError, isUnreachable } from '../api';
import type { I18n, MessageKey } from '../i18n';

/** Console error codes with a sentence of their own; others fall back to the status's sentence. */
const KNOWN_CODES = [
  'own_request',
  'already_decided',
  'duration_too_long',
  'not_active',
  'no_unlock_key',
  'agent_revoked',
  'stale_draft',
  'already_current',
  'group_exists',
  'built_in_group',
  'group_not_empty',
  'username_taken',
  'cannot_disable_self',
  'last_admin',
  'password_expired',
  'not_found',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

function isKnownCode(code: string): code is KnownCode {
  return (KNOWN_CODES as readonly string[]).includes(code);
}

/** A sentence for people about why a request failed, in the reader's language. */
export function describeError(error: unknown, t: I18n['t']): string {
  if (!isApiRequestError(error)) return t('error.server', { message: error instanceof Error ? error.message : String(error) });
  if (isUnreachable(error)) return t('error.network');
  if (error.kind === 'invalid_response') return t('error.invalidResponse');
  if (isKnownCode(error.code)) {
    const key: MessageKey = `error.code.${error.code}`;
    return t(key);
  }
  switch (error.status) {
    case 400:
      return error.issues.length > 0
        ? t('error.invalidInput', { issues: error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') })
        : t('error.server', { message: error.message });
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

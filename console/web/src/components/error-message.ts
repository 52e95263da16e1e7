import { isApiRequestError, isUnreachable } from '../api';
import type { I18n, MessageKey } from '../i18n';
import { describeIssueList, readsEnglish } from './issue-sentence';

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
  'agent_offline',
  'scan_running',
  'saved_filters_full',
  'not_pending',
  'not_a_user',
  'too_many_attempts',
  'csrf_failed',
  'unauthenticated',
  'concurrent_change',
  'internal_error',
  'unsupported_media_type',
  'payload_too_large',
  'invalid_json',
  'invalid_body',
  'request_aborted',
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
  if (error.code === 'invalid_policy') return t('error.code.invalid_policy', { issues: describeIssueList(error.issues, t) });
  if (isKnownCode(error.code)) {
    const key: MessageKey = `error.code.${error.code}`;
    return t(key);
  }
  switch (error.status) {
    case 400:
      if (error.issues.length > 0) return t('error.invalidInput', { issues: describeIssueList(error.issues, t) });
      break;
    case 401:
      return t('error.sessionExpired');
    case 403:
      return t('error.forbidden');
    case 404:
      return t('error.status.404');
    case 409:
      return t('error.status.409');
    case 413:
      return t('error.status.413');
    case 429:
      return t('error.rateLimited');
  }
  // The console's own words for English readers; never English in another language.
  return readsEnglish(t) ? t('error.server', { message: error.message }) : t('error.status.other', { code: error.code });
}

import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Shortest password accepted anywhere (API, CLI, first start). */
export const MIN_PASSWORD_LENGTH = 12;

/** Stable codes, one per rule, that the web UI maps to zh-CN and en messages. */
export type PasswordRuleCode = 'password_too_short' | 'password_contains_username' | 'password_common';

export interface PasswordRuleFailure {
  code: PasswordRuleCode;
  message: string;
}

const LIST_NAME = 'common-passwords.txt';

/**
 * Where the list is: beside this file when run from source; beside the bundle (scripts/build.mjs
 * copies it to dist/console/); or, for other bundles inside a checkout (dist/bench/), in the source tree.
 */
const LIST_CANDIDATES = [path.join(__dirname, LIST_NAME), path.resolve(__dirname, '../../console/server/src/auth', LIST_NAME)];

let commonPasswords: ReadonlySet<string> | undefined;

function parseList(text: string): ReadonlySet<string> {
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line.length > 0 && !line.startsWith('#')),
  );
}

/** The shipped common-password list, loaded once. Throws if it is missing: the rule is never silently skipped. */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (commonPasswords) return commonPasswords;
  for (const file of LIST_CANDIDATES) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    commonPasswords = parseList(text);
    return commonPasswords;
  }
  throw new Error(`the common-password list ${LIST_NAME} is missing (looked in ${LIST_CANDIDATES.join(', ')}); ship it beside the console bundle`);
}

export interface PasswordCheckOptions {
  /** Skip the user-name rule (only for the operator-chosen bootstrap password, see first-start.ts). */
  skipUsernameRule?: boolean;
}

/**
 * Every rule the password breaks, in a fixed order (length, user name, common list); empty when
 * it is acceptable. Length counts Unicode code points, so a Chinese passphrase is not penalised.
 */
export function checkPassword(password: string, username: string, options: PasswordCheckOptions = {}): PasswordRuleFailure[] {
  const failures: PasswordRuleFailure[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    failures.push({ code: 'password_too_short', message: `must have at least ${MIN_PASSWORD_LENGTH} characters` });
  }
  const lower = password.toLowerCase();
  if (!options.skipUsernameRule && username.length > 0 && lower.includes(username.toLowerCase())) {
    failures.push({ code: 'password_contains_username', message: 'must not contain the user name' });
  }
  if (loadCommonPasswords().has(lower)) {
    failures.push({ code: 'password_common', message: 'is one of the most common passwords' });
  }
  return failures;
}

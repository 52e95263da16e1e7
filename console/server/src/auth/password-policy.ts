import { readFileSync } from 'node:fs';
import path from 'node:path';
import { baseWord, foldLookAlikes, normalisePassword, readLeet, skeleton } from './password-text';

/** Shortest password accepted anywhere (API, CLI, first start). */
export const MIN_PASSWORD_LENGTH = 12;

/** Stable codes, one per rule, that the web UI maps to zh-CN and en messages. */
export type PasswordRuleCode =
  | 'password_too_short'
  | 'password_whitespace_only'
  | 'password_control_characters'
  | 'password_marks_only'
  | 'password_repetitive'
  | 'password_contains_username'
  | 'password_common'
  | 'password_common_pattern';

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
let commonBaseWords: ReadonlySet<string> | undefined;

/** Fewer distinct characters than this is a repetition ("aaaaaaaaaaab", "121212121212"). */
const MIN_DISTINCT_CHARACTERS = 5;
/** Shorter base words are not judged ("abc" + 9 digits is caught by the list or by length). */
const MIN_BASE_WORD_LENGTH = 4;
/** User names whose skeleton is shorter are compared only literally (too many false matches). */
const MIN_USERNAME_SKELETON = 3;

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

/**
 * The list entries as base words ("p@ssw0rd" → "password", "dragon"): a password that is one of
 * them decorated with digits and symbols ("Password123!", "Dr@gon2024#") is refused.
 */
function loadCommonBaseWords(): ReadonlySet<string> {
  if (commonBaseWords) return commonBaseWords;
  const words = new Set<string>();
  for (const entry of loadCommonPasswords()) {
    const word = readLeet(foldLookAlikes(entry)).replace(/[^\p{L}]+/gu, '');
    if ([...word].length >= MIN_BASE_WORD_LENGTH) words.add(word);
  }
  commonBaseWords = words;
  return words;
}

export interface PasswordCheckOptions {
  /** Skip the user-name rule (only for the operator-chosen bootstrap password, see first-start.ts). */
  skipUsernameRule?: boolean;
}

const RULE_MESSAGES: Readonly<Record<PasswordRuleCode, string>> = {
  password_too_short: `must have at least ${MIN_PASSWORD_LENGTH} characters`,
  password_whitespace_only: 'must not consist of spaces only',
  password_control_characters: 'must not contain control characters (NUL, tab, line breaks…)',
  password_marks_only: 'must not consist of combining marks only',
  password_repetitive: `must use at least ${MIN_DISTINCT_CHARACTERS} different characters`,
  password_contains_username: 'must not contain the user name (also not in leetspeak or with look-alike letters)',
  password_common: 'is one of the most common passwords',
  password_common_pattern: 'is a common word with digits or symbols added (like Password123!)',
};

function containsUsername(password: string, username: string): boolean {
  if (username.length === 0) return false;
  if (password.toLowerCase().includes(username.toLowerCase())) return true;
  const user = skeleton(username);
  if ([...user].length < MIN_USERNAME_SKELETON) return false;
  const pass = skeleton(password);
  return pass.includes(user) || pass.includes([...user].reverse().join(''));
}

/**
 * Every rule the password breaks, in a fixed order; empty when it is acceptable. The rules read
 * the NFKC form; length counts Unicode code points, so a Chinese passphrase is not penalised.
 */
export function checkPassword(password: string, username: string, options: PasswordCheckOptions = {}): PasswordRuleFailure[] {
  const text = normalisePassword(password);
  const codes: PasswordRuleCode[] = [];
  const chars = [...text];
  if (chars.length < MIN_PASSWORD_LENGTH) codes.push('password_too_short');
  if (chars.length > 0 && /^\s+$/u.test(text)) codes.push('password_whitespace_only');
  if (/\p{Cc}/u.test(text)) codes.push('password_control_characters');
  if (chars.length > 0 && /^\p{M}+$/u.test(text)) codes.push('password_marks_only');
  if (chars.length >= MIN_PASSWORD_LENGTH && new Set(chars).size < MIN_DISTINCT_CHARACTERS && !codes.includes('password_whitespace_only')) codes.push('password_repetitive');
  if (!options.skipUsernameRule && containsUsername(text, normalisePassword(username))) codes.push('password_contains_username');
  const lower = text.toLowerCase();
  const list = loadCommonPasswords();
  if (list.has(lower) || list.has(foldLookAlikes(text)) || list.has(foldLookAlikes(text).replace(/\s+/gu, ''))) {
    codes.push('password_common');
  } else if (loadCommonBaseWords().has(baseWord(text))) {
    codes.push('password_common_pattern');
  }
  return codes.map((code) => ({ code, message: RULE_MESSAGES[code] }));
}

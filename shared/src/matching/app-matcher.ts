/**
 * The app-rule decision, shared so the agent enforces and the console's impact preview replays with
 * ONE implementation (a preview that disagreed with the agent would be worse than none).
 */
import type { AppsSection } from '../schemas/policy';
import { compileGlob, isGlob } from './glob';

/** What the matcher knows about an executable. `name` is the file name of `exePath`. */
export interface AppSubject {
  exePath: string;
  name: string;
  /** Lowercase hex; undefined/null when not computed or unreadable (sha256 rules then do not match). */
  sha256?: string | null;
}

export interface AppDecision {
  action: 'allow' | 'block';
  /** The rule that decided, or null when the default (or a trusted path) did. */
  ruleId: string | null;
  /**
   * Set when a signed exception turned a block into an allow (`ruleId` then names the rule that
   * would have blocked).
   */
  exceptionId?: string;
}

/** A signed exception that lets one executable (by content) run on this agent. */
export interface AppException {
  id: string;
  /** Lowercase hex. */
  sha256: string;
}

/** A compiled `apps` section. */
export interface AppMatcher {
  /** False when no input can be blocked (section disabled, or allow-by-default without block rules). */
  readonly canBlock: boolean;
  /** Whether exceptions may turn a block into an allow: a block is then worth a hash. */
  readonly hasExceptions: boolean;
  /**
   * Whether a sha256 rule is reached before any path or name rule settles the decision: only then
   * is hashing the executable worth its cost.
   */
  needsSha256(subject: Omit<AppSubject, 'sha256'>): boolean;
  /**
   * First matching rule wins; otherwise `defaultAction`, where `block` spares `trustedPaths`. A
   * block is then lifted by an exception for the subject's sha256.
   */
  decide(subject: AppSubject): AppDecision;
}

/** The parts of the policy's `apps` section that decide (mode and fail mode are the control's). */
export type AppRuleSet = Pick<AppsSection, 'enabled' | 'defaultAction' | 'trustedPaths' | 'rules'>;

interface CompiledRule {
  id: string;
  action: 'allow' | 'block';
  kind: 'sha256' | 'path' | 'name';
  /** For path and name rules: does the rule match without a hash? */
  matches: (subject: Omit<AppSubject, 'sha256'>) => boolean;
  sha256?: string;
}

function compileRule(rule: AppRuleSet['rules'][number]): CompiledRule {
  const base = { id: rule.id, action: rule.action, kind: rule.kind };
  switch (rule.kind) {
    case 'sha256':
      return { ...base, sha256: rule.value.toLowerCase(), matches: () => false };
    case 'name':
      return { ...base, matches: (s) => s.name === rule.value };
    case 'path': {
      if (!isGlob(rule.value)) return { ...base, matches: (s) => s.exePath === rule.value };
      const re = compileGlob(rule.value);
      return { ...base, matches: (s) => re.test(s.exePath) };
    }
  }
}

/**
 * A trusted path is a directory prefix (`/usr/` or `/usr`: everything below it), an exact file,
 * or a glob when it uses glob syntax.
 */
function compileTrustedPath(entry: string): (exePath: string) => boolean {
  if (isGlob(entry)) {
    // A glob naming directories (`/srv/*/bin/`) covers everything below them.
    const re = compileGlob(entry.endsWith('/') ? `${entry}**` : entry);
    return (p) => re.test(p);
  }
  if (entry.endsWith('/')) return (p) => p.startsWith(entry);
  return (p) => p === entry || p.startsWith(`${entry}/`);
}

const ALLOW_BY_DEFAULT: AppDecision = { action: 'allow', ruleId: null };

/**
 * Rule ids of exceptions sent as allow rules (`exception:<exception id>`), by which a decision's
 * report tells an exception from a policy rule. The native helper (exec-events.c) knows it too.
 */
export const EXCEPTION_RULE_PREFIX = 'exception:';

/**
 * For an app control that cannot consult exceptions itself (e.g. one that hands rules to a native
 * helper): the exceptions as sha256 `allow` rules, to put in front of the section's rules. Same
 * outcome as compileAppRules' exceptions, at the price of hashing every executable. Their ids
 * (`exception:<id>`) let reports tell an exception from a policy rule.
 */
export function exceptionAllowRules(exceptions: readonly AppException[]): AppsSection['rules'] {
  return exceptions.map((e) => ({ id: `${EXCEPTION_RULE_PREFIX}${e.id}`, action: 'allow', kind: 'sha256', value: e.sha256.toLowerCase(), description: 'signed exception' }));
}

/** Compiles a section; `exceptions` are checked only after the rules blocked (see decideLazily). */
export function compileAppRules(section: AppRuleSet, exceptions: readonly AppException[] = []): AppMatcher {
  if (!section.enabled) {
    return { canBlock: false, hasExceptions: false, needsSha256: () => false, decide: () => ALLOW_BY_DEFAULT };
  }
  const exceptionBySha256 = new Map(exceptions.map((e) => [e.sha256.toLowerCase(), e.id]));
  const rules = section.rules.map(compileRule);
  const trusted = section.trustedPaths.map(compileTrustedPath);
  const hasSha256Rule = rules.some((r) => r.kind === 'sha256');

  const fallback = (exePath: string): AppDecision => {
    if (section.defaultAction === 'allow' || trusted.some((t) => t(exePath))) return ALLOW_BY_DEFAULT;
    return { action: 'block', ruleId: null };
  };

  const byRules = (subject: AppSubject): AppDecision => {
    for (const rule of rules) {
      const hit = rule.kind === 'sha256' ? !!subject.sha256 && subject.sha256 === rule.sha256 : rule.matches(subject);
      if (hit) return { action: rule.action, ruleId: rule.id };
    }
    return fallback(subject.exePath);
  };

  return {
    canBlock: section.defaultAction === 'block' || rules.some((r) => r.action === 'block'),
    hasExceptions: exceptionBySha256.size > 0,
    needsSha256(subject) {
      if (!hasSha256Rule) return false;
      for (const rule of rules) {
        if (rule.kind === 'sha256') return true;
        if (rule.matches(subject)) return false;
      }
      return false;
    },
    decide(subject) {
      const decision = byRules(subject);
      const exceptionId = decision.action === 'block' && subject.sha256 ? exceptionBySha256.get(subject.sha256) : undefined;
      return exceptionId ? { action: 'allow', ruleId: decision.ruleId, exceptionId } : decision;
    },
  };
}

/**
 * Decides, hashing only when the hash could change the outcome: a sha256 rule comes first, or the
 * rules block and an exception could lift the block. Exceptions thus cost nothing for the programs
 * the policy allows anyway.
 */
export async function decideLazily(
  matcher: AppMatcher,
  subject: Omit<AppSubject, 'sha256'>,
  sha256: () => Promise<string | null>,
): Promise<AppDecision & { sha256?: string }> {
  let digest: string | null | undefined;
  if (matcher.needsSha256(subject)) digest = await sha256();
  let decision = matcher.decide({ ...subject, sha256: digest });
  if (decision.action === 'block' && matcher.hasExceptions && digest === undefined) {
    digest = await sha256();
    decision = matcher.decide({ ...subject, sha256: digest });
  }
  return digest ? { ...decision, sha256: digest } : decision;
}

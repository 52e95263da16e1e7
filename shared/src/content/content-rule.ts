/**
 * The shape of a content rule, for the policy once content inspection is wired in (issue 16 item 5).
 * Exported for agent and console but NOT yet part of `policy` (policy editing belongs to another
 * issue): `contentSection` in schemas/policy.ts is still the older, smaller section.
 */
import { z } from 'zod';
import { positiveInt, ruleId, text } from '../schemas/primitives';
import { piiDetector } from '../schemas/policy';
import { CUSTOM_PATTERN_LIMITS, compileCustomRegex } from './custom-patterns';
import type { ContentReport } from './content-scanner';
import type { BuiltInDetectorId } from './detectors';

/** Built-in detector ids: the policy's existing `piiDetector` names plus the passport detector. */
export const contentDetectorId = z.enum([...piiDetector.options, 'cn-passport']);
// Compile-time check that the schema and the detectors name the same things.
const _sameIds: z.infer<typeof contentDetectorId> extends BuiltInDetectorId ? (BuiltInDetectorId extends z.infer<typeof contentDetectorId> ? true : never) : never = true;

const customRegex = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1–32 of a–z, 0–9, -'),
  pattern: z.string().min(1).max(CUSTOM_PATTERN_LIMITS.maxPatternLength),
  flags: z.string().regex(/^[imsu]{0,4}$/).optional(),
}).superRefine((value, ctx) => {
  const compiled = compileCustomRegex(value.pattern, value.flags);
  if (!compiled.ok) ctx.addIssue({ code: 'custom', path: ['pattern'], message: compiled.reason });
});

/** What a threshold counts: a built-in detector, the policy keywords, or one policy regex. */
export const contentFindingId = z.union([contentDetectorId, z.literal('keyword'), z.string().regex(/^regex:[a-z0-9-]{1,32}$/)]);

/** "At least N distinct values (of at least this confidence)": e.g. ≥ 10 distinct resident IDs is bulk customer data. */
export const contentThreshold = z.strictObject({
  finding: contentFindingId,
  minDistinct: positiveInt.default(1),
  minConfidence: z.number().min(0).max(1).default(0),
});

export const contentRule = z.strictObject({
  id: ruleId,
  description: text.optional(),
  detectors: z.array(contentDetectorId).max(16).default([]),
  keywords: z.array(z.string().min(1).max(CUSTOM_PATTERN_LIMITS.maxKeywordLength)).max(CUSTOM_PATTERN_LIMITS.maxKeywords).default([]),
  regexes: z.array(customRegex).max(CUSTOM_PATTERN_LIMITS.maxRegexes).default([]),
  /** `any`: one threshold met is enough; `all`: every one must be. */
  match: z.enum(['any', 'all']).default('any'),
  thresholds: z.array(contentThreshold).min(1).max(32),
  action: z.enum(['report', 'block', 'quarantine']).default('report'),
  /** Whether a file that cannot be read (encrypted, unparseable, over a limit) triggers the rule by itself. */
  unreadableTriggers: z.boolean().default(false),
});
export type ContentRule = z.infer<typeof contentRule>;
export type ContentThreshold = z.infer<typeof contentThreshold>;

export interface ContentRuleVerdict {
  matched: boolean;
  /** Thresholds met, e.g. `cn-resident-id ≥ 10 distinct (found 250)`. */
  reasons: string[];
}

/** Applies a rule's thresholds to a scan report. */
export function evaluateContentRule(rule: ContentRule, report: ContentReport): ContentRuleVerdict {
  const reasons: string[] = [];
  let met = 0;
  for (const t of rule.thresholds) {
    const finding = report.findings.find((f) => f.detector === t.finding);
    if (finding && finding.distinct >= t.minDistinct && finding.confidence >= t.minConfidence) {
      met++;
      reasons.push(`${t.finding} ≥ ${t.minDistinct} distinct (found ${finding.distinct})`);
    }
  }
  const matched = rule.match === 'all' ? met === rule.thresholds.length : met > 0;
  return { matched, reasons };
}

/** The scan options a rule implies (detectors to run, its keywords and regexes). */
export function scanOptionsForRule(rule: ContentRule): { detectors: BuiltInDetectorId[]; keywords: string[]; regexes: { id: string; pattern: string; flags?: string }[] } {
  const fromThresholds = rule.thresholds.map((t) => t.finding).filter((f): f is BuiltInDetectorId => contentDetectorId.safeParse(f).success);
  return { detectors: [...new Set([...rule.detectors, ...fromThresholds])], keywords: rule.keywords, regexes: rule.regexes };
}

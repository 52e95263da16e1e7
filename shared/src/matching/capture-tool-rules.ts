import type { AppRule, AppsSection, PolicyDocument } from '../schemas/policy';
import { captureToolsFor, type CaptureToolOs } from './capture-tool-catalogue';

/** The `screen` section of a policy document. */
export type ScreenSection = PolicyDocument['screen'];

/**
 * One `block` name rule per executable of every catalogue tool for this OS. The rules of one tool
 * share its id, so every decision names the tool, whichever of its executables ran.
 */
export function captureToolRules(os: CaptureToolOs): AppRule[] {
  return captureToolsFor(os).flatMap((tool) =>
    tool.executables.map((executable): AppRule => ({ id: tool.id, action: 'block', kind: 'name', value: executable, description: `${tool.name} (${tool.kind})` })),
  );
}

/**
 * The apps section app control enforces: with `screen.blockCaptureTools` on, the catalogue's rules
 * go first (so an allow rule for, say, /usr/bin/** cannot let a capture tool through) and the
 * policy's mode decides between blocking and reporting, as for any app rule. When the policy turns
 * app control off but capture-tool blocking on, only the catalogue is enforced.
 */
export function withCaptureToolRules(apps: AppsSection, screen: ScreenSection, os: CaptureToolOs, contentRules: readonly AppRule[] = []): AppsSection {
  if (!screen.blockCaptureTools) return apps;
  // contentRules: sha256 rules for the files the host's packages install (agent only; see packagesOf).
  const catalogue = [...captureToolRules(os), ...contentRules];
  if (!apps.enabled) return { ...apps, enabled: true, defaultAction: 'allow', rules: catalogue };
  return { ...apps, rules: [...catalogue, ...apps.rules] };
}

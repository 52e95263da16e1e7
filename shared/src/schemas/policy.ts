import { z } from 'zod';
import { policyNotice } from './ipc-employee';
import { LIMITS } from '../limits';
import { pathPatternPlatform } from './path-pattern';
import { absolutePath, positiveInt, ruleId, shortString, text, timestamp, usbId } from './primitives';

/** monitor: report what would be blocked, never block. enforce: block. */
export const policyMode = z.enum(['monitor', 'enforce']);
export type PolicyMode = z.infer<typeof policyMode>;

/**
 * An application rule matches one way: by content (sha256, survives renames), by path (glob over
 * the executable's absolute path; `*` stays within a segment, `**` crosses segments; POSIX or
 * Windows, see path-pattern.ts, each agent applying those of its platform) or by name
 * (the executable's file name, exact). First matching rule in list order wins.
 */
export const appRule = z.strictObject({
  id: ruleId,
  action: z.enum(['allow', 'block']),
  kind: z.enum(['sha256', 'path', 'name']),
  value: z.string().min(1).max(LIMITS.maxPath),
  description: text.optional(),
}).superRefine((rule, ctx) => {
  if (rule.kind === 'sha256' && !/^[0-9a-f]{64}$/.test(rule.value)) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'sha256 rules need 64 lowercase hex characters' });
  }
  if (rule.kind === 'path' && pathPatternPlatform(rule.value) === null) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'path rules need an absolute path or glob (/… or C:\\…)' });
  }
  if (rule.kind === 'name' && rule.value.includes('/')) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'name rules match a file name, without "/"' });
  }
});
export type AppRule = z.infer<typeof appRule>;

export const appsSection = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * What an executable that matches no rule gets. `block` is allowlist mode: anything not allowed is
   * denied, except under `trustedPaths` (system locations), so a desktop keeps booting.
   */
  defaultAction: z.enum(['allow', 'block']).default('allow'),
  trustedPaths: z.array(absolutePath).max(256).default(['/usr/', '/bin/', '/sbin/', '/lib/', '/lib64/', '/opt/', '/snap/']),
  rules: z.array(appRule).max(LIMITS.maxRules).default([]),
  /** What the kernel gets when no decision is ready in time: open = allow, closed = deny. */
  failMode: z.enum(['open', 'closed']).default('open'),
  decisionTimeoutMs: z.number().int().min(10).max(5000).default(250),
});
export type AppsSection = z.infer<typeof appsSection>;

export const usbAction = z.enum(['allow', 'block', 'read-only']);
export const usbRule = z.strictObject({
  id: ruleId,
  action: usbAction,
  match: z.strictObject({
    /** USB interface class, e.g. 8 = mass storage, 6 = still image (MTP/PTP). */
    interfaceClass: z.number().int().min(0).max(255).optional(),
    vendorId: usbId.optional(),
    productId: usbId.optional(),
    serial: shortString.optional(),
    /** sysfs bus port path, e.g. `1-1.2`. */
    port: z.string().regex(/^\d+-\d+(\.\d+)*$/, 'must look like 1-1.2').optional(),
  }),
  description: text.optional(),
});
export type UsbRule = z.infer<typeof usbRule>;

export const usbSection = z.strictObject({
  enabled: z.boolean().default(true),
  /** What a mass-storage device that matches no rule gets. */
  defaultAction: usbAction.default('allow'),
  rules: z.array(usbRule).max(LIMITS.maxRules).default([]),
});

export const screenSection = z.strictObject({
  /** Block the catalogue of screenshot and screen-recording tools through app control. */
  blockCaptureTools: z.boolean().default(false),
  watermark: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** A line of the firm's own (e.g. "内部资料 严禁外传"); the tray adds user, host and time. */
      text: z.string().max(200).optional(),
      /** 0.02 – 0.5; absent: 0.12. */
      opacity: z.number().min(0.02).max(0.5).optional(),
    })
    .default({ enabled: false }),
});

export const piiDetector = z.enum(['cn-resident-id', 'cn-mobile', 'bank-card', 'cn-uscc', 'email']);
export const contentSection = z.strictObject({
  enabled: z.boolean().default(false),
  detectors: z.array(piiDetector).max(16).default([]),
  watchedPaths: z.array(absolutePath).max(64).default([]),
  action: z.enum(['report', 'quarantine']).default('report'),
  /**
   * Bulk customer data: a file holds at least this many distinct values of one detector. Absent
   * (no default filled in, so documents without it stay as they were): the agent uses 10.
   */
  minDistinct: z.number().int().min(1).max(1_000_000).optional(),
  /**
   * Files written onto removable media the USB section leaves writable are scanned when they are
   * closed, with the detectors and threshold above: `report`, `quarantine` (moved into the agent's
   * quarantine) or `delete` (the copy on the media is removed; the original stays). Absent (no
   * default filled in, so documents without it stay as they were): off.
   */
  removableMedia: z
    .strictObject({
      enabled: z.boolean().default(true),
      action: z.enum(['report', 'quarantine', 'delete']).default('report'),
    })
    .optional(),
});

/**
 * Host hardening (issue 12): kernel switches that close ways around app control which no per-exec
 * check can see. Off by default. In enforce mode the agent sets them and restores the previous
 * values when the policy turns them off or the agent stops cleanly; in monitor mode it only reports
 * `would-apply`. Both are host-wide: see README ("Host hardening") for what they cost.
 */
export const hardeningSection = z.strictObject({
  /**
   * No new unprivileged user namespaces (`kernel.apparmor_restrict_unprivileged_userns=1` where
   * AppArmor offers it, else `user.max_user_namespaces=0`). Closes filesystems an employee mounts
   * in their own namespace; Chromium/Electron/Firefox sandboxes then fall back to setuid or fail.
   */
  restrictUserNamespaces: z.boolean().default(false),
  /** `vm.memfd_noexec=2`: no executable memfd for anyone, so code copied into memfd cannot be run. */
  memfdNoexec: z.boolean().default(false),
  /**
   * The fuse module's `allow_sys_admin_access=Y`: root may mark (and read) other users' FUSE
   * mounts, so programs on an employee's FUSE mount are judged. Root can then also be stalled by a
   * hostile FUSE server it touches (the helper never reads such files on its decision thread).
   */
  fuseSysAdminAccess: z.boolean().default(false),
});
export type HardeningSection = z.infer<typeof hardeningSection>;

/**
 * Policy document, version 1: what an admin writes. Sections a v1 agent does not know are refused
 * (strict objects), so a console can never silently send a control the agent would ignore.
 */
export const policyDocument = z.strictObject({
  schema: z.literal('dlp.policy/v1'),
  name: shortString,
  description: text.optional(),
  mode: policyMode,
  apps: appsSection.default(appsSection.parse({})),
  usb: usbSection.default(usbSection.parse({})),
  screen: screenSection.default(screenSection.parse({})),
  content: contentSection.default(contentSection.parse({})),
  /** Absent unless written (no default filled in), so documents without it stay as they were. */
  hardening: hardeningSection.optional(),
  /** What the tray shows the employee with every block: the firm's message and a help link. */
  notice: policyNotice.optional(),
}).superRefine((doc, ctx) => {
  const seen = new Map<string, string>();
  for (const [section, rules] of [['apps', doc.apps.rules], ['usb', doc.usb.rules]] as const) {
    rules.forEach((rule, index) => {
      const prior = seen.get(rule.id);
      if (prior) {
        ctx.addIssue({ code: 'custom', path: [section, 'rules', index, 'id'], message: `duplicate rule id (also in ${prior})` });
      }
      seen.set(rule.id, `${section}.rules.${index}`);
    });
  }
});
export type PolicyDocument = z.infer<typeof policyDocument>;
/** The document as an author writes it: sections and defaults may be left out. */
export type PolicyDocumentInput = z.input<typeof policyDocument>;

/** Fingerprint of a console signing key: the first 16 hex digits of SHA-256 over its SPKI DER. */
export const signingKeyId = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex characters');

/** A group's id as the console's API returns it. */
const groupId = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be a group id');

/**
 * What the console signs and the agent verifies. `serial` is console-wide and strictly increasing
 * across all policies, so an agent can refuse any bundle older than the one it holds (rollback),
 * even after it moves to another group. `version` is the per-policy number people talk about.
 */
export const policyBundle = z.strictObject({
  policyId: z.uuidv7(),
  version: positiveInt,
  serial: positiveInt,
  issuedAt: timestamp,
  document: policyDocument,
  /**
   * Who the bundle is for and who signed it, inside the signature: a bundle pushed to group A can
   * never be replayed to an agent of group B. The console binds every bundle it pushes; a stored
   * version (REST API) has none. Agents refuse an unbound bundle once they hold a signed group
   * assignment (see docs/API.md, "Policy binding").
   */
  target: z.strictObject({ groupId, keyId: signingKeyId }).optional(),
});
export type PolicyBundle = z.infer<typeof policyBundle>;

export const signedPolicy = z.strictObject({
  bundle: policyBundle,
  /** Fingerprint of the signing key (see keyIdOf). */
  keyId: signingKeyId,
  /** Ed25519 signature over canonicalJson(bundle), base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
});
export type SignedPolicy = z.infer<typeof signedPolicy>;


/**
 * "Agent X is in group G", signed by the console. `serial` counts the agent's moves (per agent,
 * strictly increasing), so an older assignment cannot be replayed to move the agent back. The agent
 * accepts bound policy bundles only for the group of the newest assignment it holds.
 */
export const groupAssignment = z.strictObject({
  agentId: z.uuidv7(),
  groupId,
  serial: positiveInt,
  keyId: signingKeyId,
});
export type GroupAssignment = z.infer<typeof groupAssignment>;

export const signedGroupAssignment = z.strictObject({
  assignment: groupAssignment,
  /** Ed25519 signature over canonicalJson(assignment), base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
});
export type SignedGroupAssignment = z.infer<typeof signedGroupAssignment>;

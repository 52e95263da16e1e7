import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig, AgentInfo, CapabilityReport } from '@dlp/shared';
import { buildCapabilityReport } from './core/capabilities';
import { ConfigError } from './core/config';
import { assertKeyConsistent, loadCredentials, saveCredentials, type AgentCredentials } from './core/credentials';
import { openAgentDatabase } from './core/agent-db';
import { EventFactory, sanitizeName, type EventInput } from './core/event-factory';
import { ConsoleLink, type LinkState, type LinkTimings, type PolicyReceipt } from './core/link/console-link';
import { createJsonLogger, type Logger } from './core/logger';
import { Outbox } from './core/outbox';
import { PolicyStore, type VerifiedPolicy } from './core/policy-store';
import type { AppControl, AppControlSink, AppDecisionReport, AppPolicy } from './enforce/apps/app-control';
import { ProcScanAppControl } from './enforce/apps/proc-scan-app-control';
import { createPlatform } from './platform';
import type { Platform } from './platform/types';
import { AGENT_VERSION } from './version';

/** What an app control implementation gets to build itself. */
export interface AppControlContext {
  platform: Platform;
  config: AgentConfig;
  sink: AppControlSink;
  log: Logger;
}

export interface AgentDeps {
  /** Defaults to the adapter for the running OS, rooted at `config.hostRoots`. */
  platform?: Platform;
  log?: Logger;
  /** Builds the app control. Default: the /proc scanner; a pre-exec (fanotify) control plugs in here. */
  createAppControl?: (ctx: AppControlContext) => AppControl;
  linkTimings?: Partial<LinkTimings>;
  random?: () => number;
  /** Called once, right after credentials.json is written. */
  onEnrolled?: (agentId: string) => void;
}

/** A running agent service. */
export interface RunningAgent {
  /** Stops the link and the controls, commits pending events, closes the database. */
  stop(): Promise<void>;
  agentId(): string | null;
  /** Serial of the policy in force (null: monitor mode, no rules). */
  policySerial(): number | null;
  outboxDepth(): number;
  capabilities(): CapabilityReport;
  linkState(): LinkState;
  /** Resolves once every event recorded so far is committed to the outbox. */
  flushEvents(): Promise<void>;
}

export function defaultAppControl(ctx: AppControlContext): AppControl {
  return new ProcScanAppControl({
    processes: ctx.platform.processes,
    self: ctx.platform.self,
    scanIntervalMs: ctx.config.scanIntervalMs,
    sink: ctx.sink,
    log: ctx.log,
  });
}

function appPolicyOf(policy: VerifiedPolicy | null): AppPolicy | null {
  if (!policy) return null;
  const { document, serial } = policy.signed.bundle;
  return { serial, mode: document.mode, apps: document.apps };
}

/**
 * Starts the agent: opens its database, loads the last good policy from disk and starts enforcing
 * it BEFORE any network (handbook principle 1), then starts the console link in the background.
 * Resolves once enforcement is running.
 */
export async function startAgent(config: AgentConfig, deps: AgentDeps = {}): Promise<RunningAgent> {
  const log = deps.log ?? createJsonLogger({ level: config.logLevel });
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  let credentials: AgentCredentials | null = await loadCredentials(config.dataDir);
  if (!credentials && !config.enrollSecret) {
    throw new ConfigError('the agent is not enrolled yet', [{ path: 'enrollSecret', message: `required until ${path.join(config.dataDir, 'credentials.json')} exists` }]);
  }
  const platform = deps.platform ?? createPlatform(config.hostRoots);
  const db = await openAgentDatabase(config.dataDir);
  try {
    return await assemble();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }

  async function assemble(): Promise<RunningAgent> {
    const hostname = sanitizeName(await platform.host.hostname());
    const events = new EventFactory({ host: platform.host, hostname });
    const outbox = await Outbox.open(db, { maxEvents: config.outboxMaxEvents, gapEvent: (gap) => events.gapEvent(gap), log: log.child({ component: 'outbox' }) });
    const recording = new Set<Promise<void>>();
    const record = (input: EventInput): void => {
      const job = events
        .create(input)
        .then((draft) => outbox.append(draft))
        .then(() => undefined)
        .catch((err: unknown) => log.error('could not record an event', { type: input.type, error: err instanceof Error ? err.message : String(err) }));
      recording.add(job);
      void job.finally(() => recording.delete(job));
    };

    const store = new PolicyStore({ dataDir: config.dataDir, db, log: log.child({ component: 'policy' }), pinnedPublicKey: credentials?.consoleKey.publicKey ?? null });
    const boot = await store.loadAtBoot();
    events.setPolicySerial(boot.policy?.serial ?? null);
    for (const refused of boot.refused) {
      record({
        type: 'policy',
        action: 'blocked',
        severity: 'high',
        subject: { kind: 'policy', ...(refused.serial ? { serial: refused.serial } : {}), reason: `stored policy ${path.basename(refused.file)} refused at boot: ${refused.reason}` },
      });
    }

    let link: ConsoleLink | null = null;
    const capabilities = (): CapabilityReport => buildCapabilityReport(appControl.capabilities());
    const sink: AppControlSink = {
      report: (decision: AppDecisionReport) =>
        record({
          type: 'app',
          action: decision.action,
          severity: decision.action === 'blocked' ? 'medium' : 'low',
          ruleId: decision.ruleId,
          policySerial: decision.policySerial,
          ...(decision.process.uid === undefined ? {} : { uid: decision.process.uid }),
          subject: { kind: 'process', method: decision.method, ...decision.process },
        }),
      capabilitiesChanged: () => link?.sendCapabilities(capabilities()),
    };
    const appControl = (deps.createAppControl ?? defaultAppControl)({ platform, config, sink, log: log.child({ component: 'apps' }) });
    appControl.applyPolicy(appPolicyOf(boot.policy));
    await appControl.start();
    log.info('enforcement running', { policySerial: boot.policy?.serial ?? null, mode: boot.policy?.signed.bundle.document.mode ?? 'monitor', apps: appControl.capabilities().method });

    const applyPushedPolicy = async (raw: unknown): Promise<PolicyReceipt | null> => {
      const result = await store.accept(raw);
      if (result.status === 'applied') {
        const { policy } = result;
        if (result.changed) {
          events.setPolicySerial(policy.serial);
          appControl.applyPolicy(appPolicyOf(policy));
          log.info('applied a new policy', { serial: policy.serial, hash: policy.hash, mode: policy.signed.bundle.document.mode });
        }
        return { serial: policy.serial, hash: policy.hash, status: 'applied' };
      }
      log.warn('refused a pushed policy', { serial: result.serial, reason: result.reason });
      if (result.tampering) {
        record({ type: 'policy', action: 'blocked', severity: 'high', subject: { kind: 'policy', ...(result.serial ? { serial: result.serial } : {}), reason: `pushed policy refused: ${result.reason}` } });
      }
      if (result.serial === undefined || result.hash === undefined) return null;
      return { serial: result.serial, hash: result.hash, status: 'rejected', error: result.reason };
    };

    const agentInfo = async (): Promise<AgentInfo> => ({
      hostname,
      os: platform.os,
      osVersion: (await platform.host.osVersion()).slice(0, 128),
      agentVersion: AGENT_VERSION,
      user: (await platform.host.loggedInUser())?.slice(0, 256) ?? null,
    });

    link = new ConsoleLink({
      url: config.consoleUrl,
      log: log.child({ component: 'link' }),
      outbox,
      ...(config.enrollSecret ? { enrollSecret: config.enrollSecret } : {}),
      credentials: () => credentials,
      enrolled: async (message) => {
        assertKeyConsistent(message.consoleKey);
        const saved: AgentCredentials = { agentId: message.agentId, token: message.token, consoleKey: message.consoleKey, enrolledAt: new Date().toISOString() };
        await saveCredentials(config.dataDir, saved);
        credentials = saved;
        store.pin(saved.consoleKey.publicKey);
        deps.onEnrolled?.(saved.agentId);
      },
      agentInfo,
      helloState: () => ({ policySerial: store.current()?.serial ?? null, capabilities: capabilities() }),
      policy: applyPushedPolicy,
      ...(deps.linkTimings ? { timings: deps.linkTimings } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
    link.start();

    const runningLink = link;
    let stopping: Promise<void> | null = null;
    return {
      stop: () =>
        (stopping ??= (async () => {
          await runningLink.stop();
          await appControl.stop();
          await Promise.all(recording);
          await outbox.flush();
          await db.close();
          log.info('agent stopped');
        })()),
      agentId: () => credentials?.agentId ?? null,
      policySerial: () => store.current()?.serial ?? null,
      outboxDepth: () => outbox.depth(),
      capabilities,
      linkState: () => runningLink.state(),
      flushEvents: async () => {
        await Promise.all(recording);
        await outbox.flush();
      },
    };
  }
}

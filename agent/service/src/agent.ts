import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig, AgentInfo, CapabilityReport } from '@dlp/shared';
import type { SqliteDatabase } from '@dlp/shared/node';
import { buildCapabilityReport, CapabilityTracker, isAppsAllowlist, type TrayCaptureGuards } from './core/capabilities';
import { ConfigError } from './core/config';
import type { AgentControl } from './core/controls/agent-control';
import { AppsAgentControl, defaultAppControl, type AppControlFactory } from './core/controls/apps-agent-control';
import { ContentAgentControl } from './core/controls/content-agent-control';
import { ConsoleScans } from './core/content-scan/console-scans';
import { OnDemandScans } from './core/content-scan/on-demand-scans';
import { createScanIpcHandler } from './core/content-scan/scan-ipc-handler';
import { scanCriteriaOf } from './core/content-scan/scan-event';
import type { ContentScanTuning } from './core/content-scan/scan-tuning';
import type { ScanWorkerCommand } from './core/content-scan/scan-worker-process';
import { UsbAgentControl } from './core/controls/usb-agent-control';
import { RemovableScanControl, type RemovableScanTuning } from './core/removable-scan/removable-scan-control';
import { configuredKeyMatches, loadCredentials, saveCredentials, trustOrigins, unlockKeyOf, type AgentCredentials } from './core/credentials';
import { credentialsFromEnrollment, enrollRequestKey } from './core/enrollment-credentials';
import { describeAgent } from './core/agent-info';
import { GroupAssignmentStore } from './core/group-assignment-store';
import { openAgentDatabase } from './core/agent-db';
import { lockDataDir } from './core/data-dir-lock';
import { EventFactory, sanitizeName } from './core/event-factory';
import { EventRecorder } from './core/event-recorder';
import { AgentLifecycle } from './core/lifecycle-events';
import { AgentExceptions } from './core/exceptions/agent-exceptions';
import { agentSocketPath } from './core/ipc/socket-path';
import { createUnlockHandler } from './core/ipc/unlock-handler';
import { openLocalChannel } from './core/local-channel/open-local-channel';
import { ConsoleLink, type LinkState, type LinkTimings, type PolicyReceipt } from './core/link/console-link';
import { createJsonLogger, type Logger } from './core/logger';
import { Outbox } from './core/outbox';
import { PolicyStore, type VerifiedPolicy } from './core/policy-store';
import { createPlatform } from './platform';
import { HostRuleSources } from './platform/linux/host-rule-sources';
import type { Platform } from './platform/types';
import { AGENT_VERSION } from './version';

export { defaultAppControl, procScanAppControl, type AppControlContext, type AppControlFactory } from './core/controls/apps-agent-control';

export interface AgentDeps {
  /** Defaults to the adapter for the running OS, rooted at `config.hostRoots`. */
  platform?: Platform;
  log?: Logger;
  /**
   * Builds the app control. Default: what `config.appControl` asks for (pre-exec blocking through
   * `platform.preExec` where available, else the /proc scanner).
   */
  createAppControl?: AppControlFactory;
  linkTimings?: Partial<LinkTimings>;
  random?: () => number;
  /** Called once, right after credentials.json is written. */
  onEnrolled?: (agentId: string) => void;
  /**
   * On-demand scans (`dlp-agent scan`, console requests): how to start the worker (default: this
   * bundle again, `node service.js __scan-worker`) and its limits. Tests under Jest pass a bundle.
   */
  contentScans?: { worker?: ScanWorkerCommand; tuning?: Partial<ContentScanTuning> };
  /** Bounds and waits of the removable-media channel (tests shorten the settle time). */
  removableScanTuning?: Partial<RemovableScanTuning>;
}

/** A running agent service. */
export interface RunningAgent {
  /**
   * Stops the link and the controls, commits pending events, closes the database. With the signal
   * that asked for it (the service's SIGTERM/SIGINT), first records the stop event and gives the
   * console a moment to ack it (core/lifecycle-events.ts).
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  agentId(): string | null;
  /** Serial of the policy in force (null: monitor mode, no rules). */
  policySerial(): number | null;
  outboxDepth(): number;
  capabilities(): CapabilityReport;
  linkState(): LinkState;
  /** Resolves once every event recorded so far is committed to the outbox. */
  flushEvents(): Promise<void>;
  /** The local socket (the tray and `dlp-agent`), or null when it could not be opened. */
  ipcSocketPath(): string | null;
  /** Trays (and other subscribers) connected for notices now. */
  ipcSubscribers(): number;
}

/**
 * Starts the agent: opens its database, loads the last good policy and the exceptions from disk and
 * starts every control on them BEFORE any network (handbook principle 1), then opens the local
 * socket and starts the console link in the background. Resolves once enforcement is running.
 */
export async function startAgent(config: AgentConfig, deps: AgentDeps = {}): Promise<RunningAgent> {
  const log = deps.log ?? createJsonLogger({ level: config.logLevel });
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // Before anything reads or writes the data dir: one agent per data dir (DataDirLockedError).
  const lock = await lockDataDir(config.dataDir);
  let credentials: AgentCredentials | null = null;
  let db: SqliteDatabase | undefined;
  try {
    credentials = await loadCredentials(config.dataDir);
    if (!credentials && !config.enrollSecret) {
      throw new ConfigError('the agent is not enrolled yet', [{ path: 'enrollSecret', message: `required until ${path.join(config.dataDir, 'credentials.json')} exists` }]);
    }
    db = await openAgentDatabase(config.dataDir);
    return await assemble(db, deps.platform ?? createPlatform(config.hostRoots, { onUsbError: (message) => log.warn(message, { component: 'usb' }) }));
  } catch (err) {
    await db?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw err;
  }

  async function assemble(db: SqliteDatabase, platform: Platform): Promise<RunningAgent> {
    const hostname = sanitizeName(await platform.host.hostname());
    const events = new EventFactory({ host: platform.host, hostname });
    const outbox = await Outbox.open(db, { maxEvents: config.outboxMaxEvents, gapEvent: (gap) => events.gapEvent(gap), log: log.child({ component: 'outbox' }) });
    const recorder = new EventRecorder(events, outbox, log);
    const record = recorder.record;
    const lifecycle = await AgentLifecycle.begin({ dataDir: config.dataDir, record, log });

    const hardening = platform.hardening?.(path.join(config.dataDir, 'hardening-saved.json')) ?? null;
    const groups = await GroupAssignmentStore.open(db);
    const store = new PolicyStore({
      dataDir: config.dataDir,
      db,
      log: log.child({ component: 'policy' }),
      pinnedPublicKey: credentials?.consoleKey.publicKey ?? null,
      assignedGroup: () => groups.groupId(),
    });
    if (credentials && !configuredKeyMatches(config, credentials.consoleKey.publicKey)) {
      // Enforcement keeps the key pinned at enrollment (principle 1); the report and the log say so.
      log.error('the console signing key pinned at enrollment differs from consoleSigningKeySha256 in the configuration', { pinnedKeyId: credentials.consoleKey.keyId });
    }
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
    const exceptions = new AgentExceptions({ dataDir: config.dataDir, record, log: log.child({ component: 'exceptions' }), unlockKey: () => unlockKeyOf(credentials) });
    if (credentials) await exceptions.open(credentials);

    let link: ConsoleLink | null = null;
    // The trays redraw on policy, link and capability changes; set once the local socket is open.
    let notifyTrays: () => void = () => undefined;
    let trayGuards: () => TrayCaptureGuards | null | undefined = () => undefined;
    // Assigned once both controls exist; a change reported before that is covered by the first build.
    let capabilityTracker: CapabilityTracker | null = null;
    const apps = new AppsAgentControl({
      platform,
      config,
      createAppControl: deps.createAppControl ?? defaultAppControl,
      record,
      log: log.child({ component: 'apps' }),
      capabilitiesChanged: () => capabilityTracker?.refresh(),
      hostRules: platform.os === 'linux' ? new HostRuleSources(config.hostRoots.root) : null,
    });
    const usb = new UsbAgentControl({ platform, record, log });
    const content = new ContentAgentControl({
      dataDir: config.dataDir,
      db,
      record,
      flushEvents: () => recorder.flush(),
      capabilitiesChanged: () => capabilityTracker?.refresh(),
      log: log.child({ component: 'content' }),
    });
    const removable = new RemovableScanControl({
      usb: platform.usb,
      dataDir: config.dataDir,
      record,
      log: log.child({ component: 'removable-content' }),
      capabilitiesChanged: () => capabilityTracker?.refresh(),
      ...(platform.closedFiles ? { source: platform.closedFiles } : {}),
      ...(deps.removableScanTuning ? { tuning: deps.removableScanTuning } : {}),
    });
    // Every control gets the same feed and the same sink; the order is the start order (USB first:
    // the mount guard settles what stays writable before the removable channel watches it).
    const controls: AgentControl[] = [apps, usb, content, removable];
    const scans = new OnDemandScans({
      criteria: () => scanCriteriaOf(store.current()),
      record,
      dataDir: config.dataDir,
      log: log.child({ component: 'content-scan' }),
      ...(deps.contentScans?.worker ? { worker: deps.contentScans.worker } : {}),
      ...(deps.contentScans?.tuning ? { tuning: deps.contentScans.tuning } : {}),
    });
    const consoleScans = new ConsoleScans({ scans, send: (status) => link?.sendScanStatus(status) ?? false, log: log.child({ component: 'content-scan' }) });
    const capabilities = new CapabilityTracker(
      () =>
        buildCapabilityReport({
          os: platform.os,
          apps: apps.capabilities(),
          appsNotes: [...apps.capabilityNotes(), ...content.capabilityNotes(), ...removable.capabilityNotes()],
          usb: usb.capabilities(),
          captureToolsRequested: apps.captureToolsRequested(),
          mode: store.current()?.signed.bundle.document.mode ?? null,
          appsAllowlist: isAppsAllowlist(store.current()?.signed.bundle.document.apps),
          hardening: hardening?.status() ?? [],
          trust: trustOrigins(config, credentials),
          trayGuards: trayGuards(),
        }),
      (report) => {
        link?.sendCapabilities(report);
        notifyTrays();
      },
    );
    capabilityTracker = capabilities;

    const applyHardening = async (policy: VerifiedPolicy | null): Promise<void> => {
      if (!hardening) return;
      const document = policy?.signed.bundle.document;
      const statuses = await hardening.applySection(document?.hardening, document?.mode ?? null);
      for (const status of statuses) if (status.state === 'failed') log.error('a hardening switch could not be applied', { ...status });
    };
    await applyHardening(boot.policy);
    for (const control of controls) {
      await control.applyPolicy(boot.policy);
      await control.applyExceptions(exceptions.active());
    }
    for (const control of controls) await control.start();
    capabilities.refresh();
    log.info('enforcement running', { policySerial: boot.policy?.serial ?? null, mode: boot.policy?.signed.bundle.document.mode ?? 'monitor', apps: apps.capabilities().method, usb: usb.capabilities().method });

    // Exceptions change on pushes, revokes, unlock codes and expiry; controls re-judge, one change at a time.
    let exceptionFeed: Promise<unknown> = Promise.resolve();
    const stopFeedingExceptions = exceptions.onChange(() => {
      exceptionFeed = exceptionFeed
        .then(() => Promise.all(controls.map((c) => c.applyExceptions(exceptions.active()))))
        .catch((err: unknown) => log.error('applying exceptions failed', { error: err instanceof Error ? err.message : String(err) }));
    });

    const applyPolicy = async (policy: VerifiedPolicy): Promise<void> => {
      events.setPolicySerial(policy.serial);
      await applyHardening(policy);
      for (const control of controls) await control.applyPolicy(policy);
      capabilities.refresh();
      notifyTrays();
      log.info('applied a new policy', { serial: policy.serial, hash: policy.hash, mode: policy.signed.bundle.document.mode });
    };

    const applyPushedPolicy = async (raw: unknown): Promise<PolicyReceipt | null> => {
      const result = await store.accept(raw);
      if (result.status === 'applied') {
        if (result.changed) await applyPolicy(result.policy);
        return { serial: result.policy.serial, hash: result.policy.hash, status: 'applied' };
      }
      log.warn('refused a pushed policy', { serial: result.serial, reason: result.reason });
      if (result.tampering) {
        record({ type: 'policy', action: 'blocked', severity: 'high', subject: { kind: 'policy', ...(result.serial ? { serial: result.serial } : {}), reason: `pushed policy refused: ${result.reason}` } });
      }
      if (result.serial === undefined || result.hash === undefined) return null;
      return { serial: result.serial, hash: result.hash, status: 'rejected', error: result.reason };
    };

    const localChannel = await openLocalChannel({
      socketPath: agentSocketPath(config),
      dataDir: config.dataDir,
      platform,
      hostname,
      agentVersion: AGENT_VERSION,
      policy: () => {
        const current = store.current();
        return current ? { serial: current.serial, document: current.signed.bundle.document } : null;
      },
      link: () => ({ state: link?.state() ?? 'idle', lastHeardAt: link?.lastHeardAt() ?? null }),
      enrolled: () => credentials !== null,
      capabilities: () => capabilities.current(),
      exceptions,
      recorder,
      record,
      scan: createScanIpcHandler(scans),
      unlock: createUnlockHandler({ redeem: (code, candidates) => exceptions.redeem(code, candidates), restrictedDevices: () => usb.restrictedDevices(), presentDevices: () => usb.presentDevices(), log }),
      sendExceptionRequest: (request) => link?.sendExceptionRequest(request) ?? false,
      guardsChanged: () => capabilities.refresh(),
      log: log.child({ component: 'ipc' }),
    }).catch((err: unknown) => {
      // Enforcement does not depend on it: without the socket the tray and `dlp-agent` cannot reach the agent.
      log.error('cannot open the local socket', { path: agentSocketPath(config), error: err instanceof Error ? err.message : String(err) });
      return null;
    });
    if (localChannel) {
      notifyTrays = () => localChannel.statusChanged();
      trayGuards = () => localChannel.trayGuards();
    }

    const agentInfo = (): Promise<AgentInfo> => describeAgent(platform.host, platform.os, hostname);

    link = new ConsoleLink({
      url: config.consoleUrl,
      log: log.child({ component: 'link' }),
      outbox,
      ...(config.enrollSecret ? { enrollSecret: config.enrollSecret } : {}),
      ...(credentials ? {} : { enrollRequestKey: await enrollRequestKey(config.dataDir) }),
      credentials: () => credentials,
      enrolled: async (message) => {
        const saved = credentialsFromEnrollment(config, message, link?.peerCertSha256() ?? null);
        await saveCredentials(config.dataDir, saved);
        credentials = saved;
        store.pin(saved.consoleKey.publicKey);
        await exceptions.open(saved);
        deps.onEnrolled?.(saved.agentId);
      },
      agentInfo,
      helloState: () => {
        capabilities.refresh();
        return { policySerial: store.current()?.serial ?? null, capabilities: capabilities.current() };
      },
      policy: applyPushedPolicy,
      exception: (raw, id) => exceptions.receive(raw, id),
      exceptionRevoke: (id) => exceptions.revoke(id),
      groupAssignment: async (raw) => {
        const result = await groups.accept(raw, credentials?.agentId ?? null, credentials?.consoleKey.publicKey ?? null);
        if (result.status === 'applied') {
          if (result.changed) log.info('the console moved this agent to a group', { groupId: result.assignment.groupId, serial: result.assignment.serial });
          return;
        }
        log.warn('refused a group assignment', { reason: result.reason });
        if (result.tampering) record({ type: 'policy', action: 'blocked', severity: 'high', subject: { kind: 'policy', reason: `group assignment refused: ${result.reason}` } });
      },
      tlsPin: () => config.consoleCertSha256 ?? credentials?.consoleCertSha256 ?? null,
      tlsPinLearned: async (sha256) => {
        if (!credentials) return;
        credentials = { ...credentials, consoleCertSha256: sha256 };
        await saveCredentials(config.dataDir, credentials);
      },
      scanRequest: (message) => consoleScans.handle(message),
      onStateChange: (state) => {
        notifyTrays();
        if (state === 'ready') consoleScans.linkReady();
      },
      ...(deps.linkTimings ? { timings: deps.linkTimings } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
    link.start();

    const runningLink = link;
    let stopping: Promise<void> | null = null;
    return {
      stop: (signal) =>
        (stopping ??= (async () => {
          if (signal) await lifecycle.stopping(signal, { flush: () => recorder.flush(), drain: (ms) => runningLink.drain(ms) });
          await runningLink.stop();
          await localChannel?.close();
          consoleScans.stop();
          await scans.stop();
          stopFeedingExceptions();
          for (const control of [...controls].reverse()) await control.stop();
          // A clean stop gives the host back its own sysctls; a crash leaves them hardened (safe side).
          await hardening?.restoreAll().catch((err: unknown) => log.error('restoring the host sysctls failed', { error: err instanceof Error ? err.message : String(err) }));
          await exceptionFeed;
          exceptions.close();
          await recorder.flush();
          await db.close();
          await lifecycle.ended();
          await lock.release();
          log.info('agent stopped');
        })()),
      agentId: () => credentials?.agentId ?? null,
      policySerial: () => store.current()?.serial ?? null,
      outboxDepth: () => outbox.depth(),
      capabilities: () => capabilities.current(),
      linkState: () => runningLink.state(),
      flushEvents: () => recorder.flush(),
      ipcSocketPath: () => localChannel?.server.socketPath ?? null,
      ipcSubscribers: () => localChannel?.server.subscriberCount() ?? 0,
    };
  }
}

import path from 'node:path';
import { LIMITS, piiDetector } from '@dlp/shared';
import { bulkSeverity, DEFAULT_MIN_DISTINCT, type ContentSettings } from '../../enforce/content/content-verdict';
import type { ContentFinding } from '../../enforce/content/watched-file-scan';
import type { SqliteConnection } from '@dlp/shared/node';
import type { PresentFilesProgress } from '../../enforce/content/present-files-pass';
import { WatchedFolderControl, type WatchedFolderNotice, type WatchedFolderPolicy, type WatchedFolderTuning } from '../../enforce/content/watched-folder-control';
import { DEFAULT_MAX_SCAN_RECORDS, WatchedScanRecords } from '../../enforce/content/watched-scan-records';
import type { EventInput } from '../event-factory';
import type { Logger } from '../logger';
import type { VerifiedPolicy } from '../policy-store';
import type { AgentControl, EventSink } from './agent-control';

/** The part of a verified policy the watched-folder channel applies; null when content inspection is off. */
export function watchedFolderPolicyOf(policy: VerifiedPolicy | null): WatchedFolderPolicy | null {
  if (!policy) return null;
  const { document, serial } = policy.signed.bundle;
  const content = document.content;
  if (!content.enabled || content.watchedPaths.length === 0) return null;
  const settings: ContentSettings = {
    serial,
    mode: document.mode,
    // No detector named: every one the policy schema offers (an enabled section that finds nothing helps no one).
    detectors: content.detectors.length > 0 ? content.detectors : piiDetector.options,
    minDistinct: content.minDistinct ?? DEFAULT_MIN_DISTINCT,
    action: content.action,
  };
  return { settings, watchedPaths: content.watchedPaths };
}

/** The rule id an event names: what the channel found and did (the policy has no content rule ids yet). */
function ruleIdOf(finding: ContentFinding): string {
  if (finding.verdict === 'unreadable') return `content:unreadable:${finding.unreadable ?? 'unknown'}`;
  return finding.outcome === 'quarantined' ? 'content:quarantined' : finding.outcome === 'quarantine-failed' ? 'content:quarantine-failed' : 'content:bulk-pii';
}

/**
 * A finding as a `content` event: counts per detector and redacted samples only. Bulk customer
 * data is `blocked` once quarantined, `would-block` otherwise (report action, monitor mode, or the
 * move failed: then high severity at least); an unreadable file is `allowed` (it stays where it is).
 */
/** The file subject of a content event: where, what, how much, redacted samples only (both channels). */
export function contentFileSubject(finding: Pick<ContentFinding, 'path' | 'sha256' | 'size' | 'matches' | 'samples' | 'minDistinct' | 'confidence'>) {
  return {
    kind: 'file' as const,
    path: finding.path.slice(0, LIMITS.maxPath),
    ...(finding.sha256 ? { sha256: finding.sha256 } : {}),
    size: finding.size,
    matches: finding.matches,
    samples: finding.samples,
    ...(finding.minDistinct !== undefined ? { minDistinct: finding.minDistinct } : {}),
    ...(finding.confidence !== undefined ? { confidence: finding.confidence } : {}),
  };
}

export function contentEventOf(finding: ContentFinding): EventInput {
  const bulk = finding.verdict === 'bulk';
  const severity = !bulk ? (finding.unreadable === 'encrypted' ? 'medium' : 'low') : finding.outcome === 'quarantine-failed' && bulkSeverity(finding.matches) === 'medium' ? 'high' : bulkSeverity(finding.matches);
  return {
    type: 'content',
    // A file the scanner could not read is news for the officer, not a decision: 'info'.
    action: !bulk ? 'info' : finding.outcome === 'quarantined' ? 'blocked' : 'would-block',
    severity,
    ruleId: ruleIdOf(finding),
    policySerial: finding.policySerial,
    uid: finding.ownerUid,
    subject: contentFileSubject(finding),
  };
}

/** A notice about the channel itself (queue overflow, a refused folder) as an `agent` event. */
export function contentNoticeEventOf(notice: WatchedFolderNotice): EventInput {
  return { type: 'agent', action: 'info', severity: notice.severity, subject: { kind: 'agent', message: notice.message, ...(notice.details ? { details: notice.details } : {}) } };
}

export interface ContentAgentControlOptions {
  dataDir: string;
  /** The agent's database: what was judged is kept there across restarts (table watched_file_scans). */
  db: SqliteConnection;
  record: EventSink;
  /** Resolves once every recorded event is in the outbox: a file is recorded as judged only after its event. */
  flushEvents?: () => Promise<void>;
  /** The look at files already present moved on: the capability report's note changes. */
  capabilitiesChanged?: () => void;
  log: Logger;
  tuning?: Partial<WatchedFolderTuning>;
  maxScanRecords?: number;
}

/** The capability note on the look at files already in the watched folders (at start, on a new policy). */
export function presentFilesNote(progress: PresentFilesProgress | null): string | null {
  if (!progress) return null;
  const { state, filesFound, filesUnchanged, filesQueued, filesScanned } = progress;
  const counts = `${filesFound} file(s) found, ${filesUnchanged} unchanged since judged, ${filesScanned} of ${filesQueued} to scan scanned`;
  if (state === 'done') return `content: files already in watched folders looked at: ${counts}`;
  if (state === 'stopped') return `content: look at files already in watched folders stopped: ${counts}`;
  return `content: looking at files already in watched folders (${state}): ${counts}`;
}

/** Content inspection of watched folders (issue 16 item 3) in the service's control list. */
export class ContentAgentControl implements AgentControl {
  readonly name = 'content';
  private readonly control: WatchedFolderControl;

  constructor(private readonly options: ContentAgentControlOptions) {
    this.control = new WatchedFolderControl({
      quarantineDir: path.join(options.dataDir, 'quarantine'),
      excluded: [path.resolve(options.dataDir)],
      records: new WatchedScanRecords(options.db, options.maxScanRecords ?? DEFAULT_MAX_SCAN_RECORDS, (err) =>
        options.log.warn('could not keep watched-folder scan records', { error: err instanceof Error ? err.message : String(err) }),
      ),
      report: async (finding) => {
        if (finding.outcome === 'quarantine-failed' && finding.quarantine && 'error' in finding.quarantine) {
          options.log.error('could not quarantine a file with customer data', { path: finding.path, error: finding.quarantine.error });
        }
        options.record(contentEventOf(finding));
        await options.flushEvents?.();
      },
      notice: (notice) => options.record(contentNoticeEventOf(notice)),
      progressed: () => options.capabilitiesChanged?.(),
      log: options.log,
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
  }

  applyPolicy(policy: VerifiedPolicy | null): Promise<void> {
    return this.control.apply(watchedFolderPolicyOf(policy));
  }

  /** Exceptions are for programs and devices; none relaxes content inspection yet. */
  async applyExceptions(): Promise<void> {}

  start(): Promise<void> {
    return this.control.start();
  }

  stop(): Promise<void> {
    return this.control.stop();
  }

  /** For the capability report's notes: what is watched, and what the policy asked for that is not. */
  capabilityNotes(): string[] {
    const { watching, refused, presentFiles } = this.control.status();
    const notes = watching.length > 0 ? [`content: watching ${watching.length} folder(s) for customer data`] : [];
    const present = watching.length > 0 ? presentFilesNote(presentFiles) : null;
    if (present) notes.push(present);
    for (const r of refused) notes.push(`content: watched folder ${r.pattern} refused: ${r.reason}`.slice(0, 200));
    return notes;
  }

  /** The channel's figures: folders, the look at present files, the queue. */
  status(): ReturnType<WatchedFolderControl['status']> {
    return this.control.status();
  }

  /** Resolves once no file waits to be scanned (tests). */
  idle(): Promise<void> {
    return this.control.idle();
  }
}

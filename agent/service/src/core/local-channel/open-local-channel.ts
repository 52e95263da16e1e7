import type { CapabilityReport, PolicyDocument } from '@dlp/shared';
import type { TrayCaptureGuards } from '../capabilities';
import type { Platform } from '../../platform/types';
import type { EventSink } from '../controls/agent-control';
import type { EventRecorder } from '../event-recorder';
import type { AgentExceptions } from '../exceptions/agent-exceptions';
import type { ExceptionRequestHandlerDeps } from '../ipc/exception-request-handler';
import { dispatchIpc, type IpcHandlers } from '../ipc/ipc-dispatch';
import { IpcServer } from '../ipc/ipc-server';
import type { LinkState } from '../link/console-link';
import type { Logger } from '../logger';
import { EmployeeChannel } from './employee-channel';
import { ExceptionRequestLog } from './request-log';
import { WatermarkWatch } from './watermark-watch';

/** How often the watermark watch looks for a silent tray. */
const WATERMARK_CHECK_MS = 60_000;

export interface LocalChannelDeps {
  socketPath: string;
  dataDir: string;
  platform: Platform;
  hostname: string;
  agentVersion: string;
  policy(): { serial: number; document: PolicyDocument } | null;
  link(): { state: LinkState; lastHeardAt: number | null };
  enrolled(): boolean;
  capabilities(): CapabilityReport;
  exceptions: AgentExceptions;
  recorder: EventRecorder;
  record: EventSink;
  unlock: IpcHandlers['unlock'];
  scan: IpcHandlers['scan'];
  sendExceptionRequest: ExceptionRequestHandlerDeps['send'];
  /** The trays' capture guards changed (the capability report carries them). */
  guardsChanged(): void;
  log: Logger;
}

export interface LocalChannel {
  server: IpcServer;
  /** Policy, link or capabilities changed: the trays redraw. */
  statusChanged(): void;
  /** What the logged-in user's tray says of its capture guards; null when no tray reports. */
  trayGuards(): TrayCaptureGuards | null;
  close(): Promise<void>;
}

/** Opens the local socket with the employee channel behind it (issue 15). */
export async function openLocalChannel(deps: LocalChannelDeps): Promise<LocalChannel> {
  const requests = await ExceptionRequestLog.open(deps.dataDir);
  const loggedInUser = () => deps.platform.host.loggedInUser();
  const watermark = new WatermarkWatch({ wanted: () => deps.policy()?.document.screen.watermark.enabled ?? false, loggedInUser, record: deps.record });
  let server: IpcServer | null = null;
  const channel = new EmployeeChannel({
    status: () => ({
      policy: deps.policy(),
      link: deps.link().state,
      lastContactAt: deps.link().lastHeardAt,
      enrolled: deps.enrolled(),
      capabilities: deps.capabilities(),
      host: deps.hostname,
      agentVersion: deps.agentVersion,
    }),
    policyDocument: () => deps.policy()?.document ?? null,
    requests,
    watermark,
    unlock: deps.unlock,
    scan: deps.scan,
    exceptionRequests: { send: deps.sendExceptionRequest, enrolled: deps.enrolled, loggedInUser },
    publish: (noticeFor) => server?.publish(noticeFor),
    guardsChanged: deps.guardsChanged,
    log: deps.log,
  });
  server = await IpcServer.listen({ socketPath: deps.socketPath, handler: dispatchIpc(channel.handlers()), peers: deps.platform.peers, log: deps.log });
  const stopRecording = deps.recorder.onRecorded((event) => channel.eventRecorded(event));
  const noteGranted = () => void requests.noteGranted(deps.exceptions.grantedNow()).catch((err: unknown) => deps.log.warn('could not update the request log', { error: String(err) }));
  const stopWatchingExceptions = deps.exceptions.onChange(noteGranted);
  noteGranted();
  const timer = setInterval(() => void watermark.check().catch(() => undefined), WATERMARK_CHECK_MS);
  timer.unref();
  const running = server;
  return {
    server: running,
    statusChanged: () => channel.statusChanged(),
    trayGuards: () => watermark.captureGuards(),
    close: async () => {
      clearInterval(timer);
      stopRecording();
      stopWatchingExceptions();
      await running.close();
    },
  };
}

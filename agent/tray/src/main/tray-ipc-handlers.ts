import { z } from 'zod';
import { describeIssues, exceptionJustification, exceptionRequestTarget, ipcUnlockRequest, requestedMinutes, type AgentStatus } from '@dlp/shared';
import { TRAY_CHANNELS, type TrayApi, type TrayFailure } from '../common/tray-api';
import type { InvokeEvent, IpcMainPort, ShellPort } from './electron-ports';
import { navigationAllowed } from './main-window';

/** What the handlers call: the agent session's TrayApi calls and the policy's help link. */
export type TrayBackend = Pick<TrayApi, 'status' | 'recentBlocks' | 'myRequests' | 'requestException' | 'unlock'> & {
  latestStatus(): AgentStatus | null;
};

export interface TrayHandlerDeps {
  shell: ShellPort;
  /** The main window's page: calls from any other frame are refused. */
  trustedPageUrl: string;
  log: (line: string) => void;
}

/** The renderer is untrusted: every argument is checked against the same schemas the agent uses. */
const noArguments = z.tuple([]);
const requestExceptionArguments = z.tuple([z.strictObject({ target: exceptionRequestTarget, justification: exceptionJustification, requestedMinutes })]);
const unlockArguments = z.tuple([ipcUnlockRequest.shape.code]);
const openHelpArguments = z.tuple([z.string().max(512)]);

const refusal = (message: string): TrayFailure => ({ ok: false, failure: 'error', message });

/** True for an http(s) URL equal to the help link of the policy in force. */
export function isPolicyHelpLink(url: string, status: AgentStatus | null): boolean {
  const helpUrl = status?.notice.helpUrl;
  if (!helpUrl) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.href === new URL(helpUrl).href;
  } catch {
    return false;
  }
}

/**
 * Registers `ipcMain.handle` for every TrayApi channel. Each call is checked for where it came from
 * (the tray's own page) and what it carries (zod) before anything reaches the agent.
 */
export function registerTrayHandlers(ipcMain: IpcMainPort, backend: TrayBackend, deps: TrayHandlerDeps): void {
  const handle = <A extends unknown[]>(channel: string, schema: z.ZodType<A>, call: (args: A) => Promise<unknown>) => {
    ipcMain.handle(channel, async (event: InvokeEvent, ...raw: unknown[]) => {
      const sender = event.senderFrame?.url ?? '';
      if (!navigationAllowed(sender, deps.trustedPageUrl)) {
        deps.log(`refused ${channel} from ${sender || 'an unknown frame'}`);
        return refusal('refused: the call did not come from the tray window');
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        deps.log(`refused ${channel}: ${describeIssues(parsed.error)}`);
        return refusal(`invalid input: ${describeIssues(parsed.error)}`);
      }
      return call(parsed.data);
    });
  };

  handle(TRAY_CHANNELS.status, noArguments, () => backend.status());
  handle(TRAY_CHANNELS.recentBlocks, noArguments, () => backend.recentBlocks());
  handle(TRAY_CHANNELS.myRequests, noArguments, () => backend.myRequests());
  handle(TRAY_CHANNELS.requestException, requestExceptionArguments, ([input]) => backend.requestException(input));
  handle(TRAY_CHANNELS.unlock, unlockArguments, ([code]) => backend.unlock(code));
  handle(TRAY_CHANNELS.openHelp, openHelpArguments, async ([url]) => {
    // Only the policy's own help link: a compromised page must not turn the tray into a URL launcher.
    if (!isPolicyHelpLink(url, backend.latestStatus())) {
      deps.log(`refused to open ${url.slice(0, 200)}: not the policy's help link`);
      return undefined;
    }
    await deps.shell.openExternal(url);
    return undefined;
  });
}

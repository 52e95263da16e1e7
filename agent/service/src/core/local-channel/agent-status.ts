import type { AgentStatus, CapabilityReport, ControlInForce, IpcPeer, PolicyDocument } from '@dlp/shared';
import type { LinkState } from '../link/console-link';

/** The watermark's opacity when the policy turns it on without saying. */
export const DEFAULT_WATERMARK_OPACITY = 0.12;

export interface StatusInputs {
  policy: { serial: number; document: PolicyDocument } | null;
  link: LinkState;
  enrolled: boolean;
  /** When the console was last heard from (ms since epoch), or null. */
  lastContactAt: number | null;
  capabilities: CapabilityReport;
  host: string;
  agentVersion: string;
  peer: IpcPeer;
}

function controlState(requested: boolean, monitor: boolean, working: boolean): ControlInForce['state'] {
  if (!requested) return 'off';
  if (!working) return 'degraded';
  return monitor ? 'monitored' : 'enforced';
}

/** What is in force here, by control, as the capability report (not the policy alone) says. */
function controlsInForce(document: PolicyDocument | null, caps: CapabilityReport): ControlInForce[] {
  if (!document) return [];
  const monitor = document.mode === 'monitor';
  const usbRestricts = document.usb.enabled && (document.usb.defaultAction !== 'allow' || document.usb.rules.some((r) => r.action !== 'allow'));
  const appsWorking = caps.apps.method !== 'none' && caps.apps.helper?.running !== false;
  return [
    { control: 'apps', state: controlState(document.apps.enabled && document.apps.rules.length + (document.apps.defaultAction === 'block' ? 1 : 0) > 0, monitor, appsWorking) },
    { control: 'usb', state: controlState(usbRestricts, monitor, caps.usb.method !== 'none') },
    { control: 'screen', state: controlState(document.screen.blockCaptureTools, monitor, caps.screen.captureToolBlocking) },
    // In force where the policy watches folders or removable media (issue 16); on-demand scans (`dlp-agent scan`) work whatever this says.
    { control: 'content', state: controlState(document.content.enabled, monitor, document.content.watchedPaths.length > 0 || document.content.removableMedia?.enabled === true) },
  ];
}

export function buildAgentStatus(inputs: StatusInputs): AgentStatus {
  const document = inputs.policy?.document ?? null;
  const watermark = document?.screen.watermark;
  return {
    protection: !document ? 'no-policy' : document.mode === 'enforce' ? 'protected' : 'monitor-only',
    console: !inputs.enrolled ? 'not-enrolled' : inputs.link === 'ready' ? 'connected' : 'unreachable',
    ...(inputs.lastContactAt !== null ? { lastContactAt: new Date(inputs.lastContactAt).toISOString() } : {}),
    policy: inputs.policy && document ? { serial: inputs.policy.serial, name: document.name, mode: document.mode } : null,
    controls: controlsInForce(document, inputs.capabilities),
    watermark: { enabled: watermark?.enabled ?? false, text: watermark?.text ?? '', opacity: watermark?.opacity ?? DEFAULT_WATERMARK_OPACITY },
    blockScreenCapture: document?.screen.blockCaptureTools ?? false,
    notice: document?.notice ?? {},
    host: inputs.host,
    agentVersion: inputs.agentVersion,
    peer: inputs.peer,
  };
}

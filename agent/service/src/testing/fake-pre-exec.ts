import type { AppControl, AppPolicy, PreExecControlOptions, PreExecSupport } from '../enforce/apps/app-control';

/** Pre-exec blocking this host cannot do, with the reason a real probe gives. */
export function unavailablePreExec(reason: string): PreExecSupport {
  return {
    method: 'fanotify',
    probe: () => Promise.resolve({ available: false, reason }),
    createControl: () => {
      throw new Error('an unavailable pre-exec control is never built');
    },
  };
}

/** A pre-exec control that starts and claims pre-exec blocking; it blocks nothing itself (tests of what runs beside it). */
export class StubPreExecControl implements AppControl {
  policy: AppPolicy | null = null;
  started = false;
  options: PreExecControlOptions | null = null;
  async start(): Promise<void> {
    this.started = true;
  }
  async stop(): Promise<void> {
    this.started = false;
  }
  applyPolicy(policy: AppPolicy | null): void {
    this.policy = policy;
  }
  capabilities() {
    return { method: 'fanotify' as const, preExec: true, failMode: 'open' as const };
  }
}

/** Pre-exec blocking that is available and builds `control`. */
export function availablePreExec(control: StubPreExecControl): PreExecSupport {
  return {
    method: 'fanotify',
    probe: () => Promise.resolve({ available: true }),
    createControl: (options) => {
      control.options = options;
      return control;
    },
  };
}

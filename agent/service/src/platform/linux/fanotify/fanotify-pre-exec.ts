import type { PreExecControlOptions, PreExecSupport } from '../../../enforce/apps/app-control';
import type { ProcessTable } from '../../types';
import { ExecGuard } from './exec-guard';
import type { ExecGuardOptions } from './exec-guard-types';
import { FanotifyAppControl, type FanotifyAppControlOptions } from './fanotify-app-control';

export interface FanotifyPreExecOptions {
  /** The agent's own pid: its execs are never judged (ExecGuard `agentPid`). */
  agentPid: number;
  /** The host's process table, used to hash blocked files for evidence. */
  processes: ProcessTable;
  /** The helper binary; default: locateExecGuardHelper(). */
  helperPath?: string;
  /** Test knobs for the guard (restart backoff, stats interval…); marks come from the control options. */
  guard?: Omit<Partial<ExecGuardOptions>, 'marks' | 'agentPid' | 'helperPath'>;
  /** Test knob: when to give up on a helper that keeps dying. */
  giveUpAfter?: FanotifyAppControlOptions['giveUpAfter'];
}

/** Linux pre-exec blocking (Platform.preExec): the native helper answers fanotify exec-permission events. */
export function fanotifyPreExec(options: FanotifyPreExecOptions): PreExecSupport {
  return {
    method: 'fanotify',
    async probe() {
      const availability = await ExecGuard.available(options.helperPath);
      return availability.available ? { available: true } : availability;
    },
    createControl(control: PreExecControlOptions) {
      const guard = new ExecGuard({
        ...options.guard,
        ...(options.helperPath ? { helperPath: options.helperPath } : {}),
        marks: control.marks,
        agentPid: options.agentPid,
      });
      return new FanotifyAppControl({
        guard,
        sink: control.sink,
        log: control.log,
        gaveUp: control.gaveUp,
        files: options.processes,
        ...(options.giveUpAfter ? { giveUpAfter: options.giveUpAfter } : {}),
      });
    },
  };
}

import type { AgentStatus, BlockNotice, EmployeeLocale, ExceptionRequestState, IpcExceptionRequestResult, IpcNotice, IpcUnlockResult } from '@dlp/shared';
import type { TrayApi, TrayResult, WatermarkApi, WatermarkView } from '../../src/common/tray-api';

/**
 * Fakes of exactly the preload's bridges (`TrayApi`, `WatermarkApi`), installed into the page
 * with `addInitScript`: Electron cannot be downloaded here, so the contract is the honest boundary.
 * These functions are serialised into the page, so they use nothing from outside their own body.
 */

/** What the fake answers; a test may change it in the page through `window.fakeTray.answers`. */
export interface FakeTrayAnswers {
  locale: EmployeeLocale;
  status: TrayResult<AgentStatus>;
  recentBlocks: TrayResult<BlockNotice[]>;
  myRequests: TrayResult<ExceptionRequestState[]>;
  requestException: TrayResult<IpcExceptionRequestResult['result']>;
  unlock: TrayResult<IpcUnlockResult['result']>;
}

export interface FakeCall {
  method: keyof TrayApi;
  arg?: unknown;
}

/** What a test reaches in the page: the recorded calls, the answers, a way to push notices. */
export interface FakeTrayWindow {
  fakeTray: { answers: FakeTrayAnswers; calls: FakeCall[]; emit(notice: IpcNotice['notice']): void; listenerCount(): number };
  fakeWatermark: { change(view: WatermarkView): void };
  cspViolations: string[];
}

/** Collects Content-Security-Policy violations so a test can assert there were none. */
export function recordCspViolations(): void {
  const violations: string[] = [];
  document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  Object.assign(window, { cspViolations: violations });
}

export function installFakeTray(answers: FakeTrayAnswers): void {
  const calls: FakeCall[] = [];
  const listeners = new Set<(notice: IpcNotice['notice']) => void>();
  const answer = <T>(method: keyof TrayApi, value: T, arg?: unknown): Promise<T> => {
    calls.push(arg === undefined ? { method } : { method, arg });
    return Promise.resolve(structuredClone(value));
  };
  const api: TrayApi = {
    locale: () => answers.locale,
    status: () => answer('status', answers.status),
    recentBlocks: () => answer('recentBlocks', answers.recentBlocks),
    myRequests: () => answer('myRequests', answers.myRequests),
    requestException: (input) => answer('requestException', answers.requestException, input),
    unlock: (code) => answer('unlock', answers.unlock, code),
    openHelp: (url) => answer('openHelp', undefined, url),
    onNotice: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  const fakeTray: FakeTrayWindow['fakeTray'] = {
    answers,
    calls,
    emit: (notice) => listeners.forEach((listener) => listener(structuredClone(notice))),
    listenerCount: () => listeners.size,
  };
  // contextBridge hands the page a frozen object; so does the fake.
  Object.assign(window, { dlpTray: Object.freeze(api), fakeTray });
}

export function installFakeWatermark(initial: WatermarkView): void {
  let current = initial;
  const listeners = new Set<(view: WatermarkView) => void>();
  const api: WatermarkApi = {
    view: () => current,
    onChange: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  const fakeWatermark: FakeTrayWindow['fakeWatermark'] = {
    change: (view) => {
      current = view;
      listeners.forEach((listener) => listener(view));
    },
  };
  Object.assign(window, { dlpWatermark: Object.freeze(api), fakeWatermark });
}

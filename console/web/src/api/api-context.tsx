import { createContext, useContext, type ReactNode } from 'react';
import type { ConsoleApi } from './console-api';

const ApiContext = createContext<ConsoleApi | null>(null);

/** Makes one `ConsoleApi` available to every page (tests can pass another base URL). */
export function ApiProvider({ api, children }: { api: ConsoleApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

/** The console API; only valid under `ApiProvider`. */
export function useApi(): ConsoleApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi must be used inside ApiProvider');
  return api;
}

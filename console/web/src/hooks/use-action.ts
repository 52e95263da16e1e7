import { useCallback, useState } from 'react';

export interface Action {
  running: boolean;
  /** The last failure, cleared when the next run starts. */
  error: unknown;
  /** Runs `work`; resolves true when it succeeded (failures are kept in `error`, never thrown). */
  run(work: () => Promise<unknown>): Promise<boolean>;
  clearError(): void;
}

/** State for one button or form that calls the console: busy flag and the failure to show. */
export function useAction(): Action {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setRunning(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setRunning(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { running, error, run, clearError };
}

import type { TrayResult } from '../../common/tray-api';

/**
 * The preload should always resolve with a TrayResult; if the bridge itself throws, the page still
 * gets a failure it can put in words instead of an unhandled rejection.
 */
export async function settle<T>(call: () => Promise<TrayResult<T>>): Promise<TrayResult<T>> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, failure: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

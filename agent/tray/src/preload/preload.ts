import { contextBridge, ipcRenderer } from 'electron';
import { createTrayBridge, createWatermarkBridge } from './tray-bridge';
import { decodeWindowArguments } from './window-arguments';

/**
 * The preload of every tray window, run sandboxed with contextIsolation. It exposes one object to the
 * page: `dlpTray` (the TrayApi) in the main window, `dlpWatermark` in a watermark window, chosen by
 * the arguments the main process created the window with. A sandboxed preload may require only
 * 'electron' (and a few Node polyfills), so this bundle imports nothing else at run time.
 */
const args = decodeWindowArguments(process.argv);

if (args.window === 'watermark' && args.watermark) {
  contextBridge.exposeInMainWorld('dlpWatermark', createWatermarkBridge(ipcRenderer, args.watermark));
} else if (args.window === 'main') {
  contextBridge.exposeInMainWorld('dlpTray', createTrayBridge(ipcRenderer, args.locale));
}

// A stand-in for the 'electron' module, for running the bundled dist/main.js under plain Node in
// build-main.test.ts (the Electron binary cannot be downloaded here). It implements just what
// electron-adapters.ts touches and prints one JSON line per call worth checking.
const { EventEmitter } = require('node:events');

const say = (what, detail) => process.stdout.write(`${JSON.stringify({ what, ...detail })}\n`);

class WebContents extends EventEmitter {
  send(channel) {
    say('send', { channel });
  }
  setWindowOpenHandler() {}
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = new WebContents();
    this.destroyed = false;
    say('window', { options });
  }
  loadURL(url) {
    say('load', { url });
    return Promise.resolve();
  }
  setIgnoreMouseEvents(ignore) {
    say('ignoreMouse', { ignore });
  }
  setAlwaysOnTop(flag, level) {
    say('alwaysOnTop', { flag, level });
  }
  setVisibleOnAllWorkspaces() {}
  setContentProtection(enable) {
    say('contentProtection', { enable });
  }
  showInactive() {}
  show() {}
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.destroyed;
  }
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
}

class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    say('notification', { title: this.options.title });
  }
}

class Tray extends EventEmitter {
  setImage() {}
  setToolTip(tooltip) {
    say('tooltip', { tooltip });
  }
  setContextMenu() {}
}

const app = new EventEmitter();
Object.assign(app, {
  whenReady: () => Promise.resolve(),
  requestSingleInstanceLock: () => true,
  quit: () => say('quit', {}),
  getVersion: () => '0.1.0',
  getPreferredSystemLanguages: () => ['en-US'],
  getSystemLocale: () => 'en-US',
  setAppUserModelId: () => undefined,
  getLoginItemSettings: () => ({ openAtLogin: false }),
  setLoginItemSettings: () => undefined,
});

const screen = new EventEmitter();
screen.getAllDisplays = () => [{ id: 7, bounds: { x: 0, y: 0, width: 1280, height: 800 }, scaleFactor: 2 }];

module.exports = {
  app,
  BrowserWindow,
  clipboard: { availableFormats: () => [], clear: () => undefined },
  ipcMain: { handle: (channel) => say('handle', { channel }) },
  Menu: { buildFromTemplate: (template) => template },
  nativeImage: { createFromBitmap: (buffer, size) => ({ buffer, size }) },
  Notification,
  screen,
  session: { defaultSession: { setPermissionRequestHandler: () => say('permissions', {}), setPermissionCheckHandler: () => undefined } },
  shell: { openExternal: () => Promise.resolve() },
  Tray,
};

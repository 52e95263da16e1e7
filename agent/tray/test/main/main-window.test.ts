import { decodeWindowArguments } from '../../src/preload/window-arguments';
import { guardNavigation, MainWindowController, mainWindowOptions, navigationAllowed } from '../../src/main/main-window';
import { FakeContents, FakeWindowFactory } from './fake-electron';

const page = 'file:///opt/DLP%20Tray/resources/app.asar/dist/renderer/index.html';

describe('the main window', () => {
  it('is created isolated, sandboxed and without Node, 420×640, with the locale for the preload', () => {
    const options = mainWindowOptions('/opt/dlp/preload.js', 'zh-CN', '数据防泄漏保护');
    expect(options).toMatchObject({ width: 420, height: 640, show: false, title: '数据防泄漏保护' });
    expect(options.webPreferences).toMatchObject({
      preload: '/opt/dlp/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(decodeWindowArguments(options.webPreferences.additionalArguments)).toEqual({ window: 'main', locale: 'zh-CN' });
  });

  it('may show only its own page, under any section', () => {
    expect(navigationAllowed(`${page}#blocks`, page)).toBe(true);
    expect(navigationAllowed('file:///opt/DLP%20Tray/resources/app.asar/dist/renderer/watermark.html', page)).toBe(false);
    expect(navigationAllowed('file:///etc/passwd', page)).toBe(false);
    expect(navigationAllowed('https://help.example.com/dlp', page)).toBe(false);
    expect(navigationAllowed('not a url', page)).toBe(false);
  });

  it('refuses navigation and redirects to other pages, and every window.open', () => {
    const contents = new FakeContents();
    guardNavigation(contents, page);
    expect(contents.navigate('https://evil.example/')).toBe(false);
    expect(contents.navigate('https://evil.example/', 'will-redirect')).toBe(false);
    expect(contents.navigate(`${page}#unlock`)).toBe(true);
    expect(contents.openHandler?.({ url: 'https://help.example.com/' })).toEqual({ action: 'deny' });
  });

  it('is created once, protected from capture, shown when ready, and brought forward on the section asked for', () => {
    const windows = new FakeWindowFactory();
    const controller = new MainWindowController(windows, page, mainWindowOptions('/p.js', 'en', 'Data protection'));
    controller.open();
    const window = windows.created[0];
    if (!window) throw new Error('no window');
    expect(window.contentProtection).toBe(true);
    expect(window.loaded).toEqual([page]);
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
    expect(window.webContents.navigate('https://elsewhere.example/')).toBe(false);

    window.minimized = true;
    controller.open('blocks');
    expect(windows.created).toHaveLength(1);
    expect(window.loaded).toEqual([page, `${page}#blocks`]);
    expect(window.calls.slice(-3)).toEqual(['restore', 'show', 'focus']);

    controller.send('dlp:notice', { kind: 'status' });
    expect(window.webContents.sent).toEqual([{ channel: 'dlp:notice', args: [{ kind: 'status' }] }]);

    // Closed by the employee: the next Open makes a new one; notices meanwhile go nowhere.
    window.close();
    controller.send('dlp:notice', { kind: 'status' });
    expect(window.webContents.sent).toHaveLength(1);
    controller.open('blocks');
    expect(windows.created).toHaveLength(2);
    expect(windows.created[1]?.loaded).toEqual([`${page}#blocks`]);
  });
});

/** The operating systems an agent runs on (as in its hello: AgentInfo.os). */
export type CaptureToolOs = 'linux' | 'windows' | 'macos';

/** Narrows an OS name read from storage (e.g. an agent's hello) to one the catalogue knows. */
export function isCaptureToolOs(os: string): os is CaptureToolOs {
  return os === 'linux' || os === 'windows' || os === 'macos';
}

/** One screenshot or screen-recording tool the agent blocks when a policy asks it to. */
export interface CaptureTool {
  /** Stable rule id (`screen:<tool>`): events and reports name the tool by it, so never rename one. */
  id: string;
  /** What people call it. */
  name: string;
  os: CaptureToolOs;
  kind: 'screenshot' | 'recorder';
  /**
   * File names of its executables, as the OS reports the running image (on Linux the target of
   * /proc/<pid>/exe, so alternatives such as ImageMagick's `import-im6.q16` are listed too).
   */
  executables: readonly string[];
  /**
   * A script run by an interpreter: pre-exec blocking (fanotify) sees the script itself, the /proc
   * scanner only sees the interpreter, so after-start blocking cannot catch it by name.
   */
  interpreted?: true;
  /**
   * Packages (Debian and RPM names) that install it: the agent hashes the files named in
   * `executables` that these packages install and blocks them by sha256 too, so a renamed or copied
   * tool is still recognised (issue 12 item 6). Absent: recognised by name only.
   */
  packages?: readonly string[];
}

const linux = (id: string, name: string, kind: CaptureTool['kind'], executables: string[], interpreted?: true): CaptureTool => ({
  id: `screen:${id}`,
  name,
  os: 'linux',
  kind,
  executables,
  ...(interpreted ? { interpreted } : {}),
});
const windows = (id: string, name: string, kind: CaptureTool['kind'], executables: string[]): CaptureTool => ({ id: `screen:${id}`, name, os: 'windows', kind, executables });
const macos = (id: string, name: string, kind: CaptureTool['kind'], executables: string[]): CaptureTool => ({ id: `screen:${id}`, name, os: 'macos', kind, executables });

/**
 * The maintained catalogue. General-purpose media tools that CAN record a screen (ffmpeg,
 * gstreamer's gst-launch, VLC, QuickTime Player) are deliberately absent: blocking them would break
 * ordinary work, and they are not capture tools by themselves. Windows entries are the file names
 * as installed; matching there is not yet verified on a real OS.
 */
export const CAPTURE_TOOLS: readonly CaptureTool[] = [
  // Linux: screenshots
  linux('gnome-screenshot', 'GNOME Screenshot', 'screenshot', ['gnome-screenshot']),
  linux('spectacle', 'KDE Spectacle', 'screenshot', ['spectacle']),
  linux('flameshot', 'Flameshot', 'screenshot', ['flameshot']),
  linux('scrot', 'scrot', 'screenshot', ['scrot']),
  linux('maim', 'maim', 'screenshot', ['maim']),
  linux('grim', 'grim (Wayland)', 'screenshot', ['grim']),
  linux('imagemagick-import', 'ImageMagick import', 'screenshot', ['import', 'import-im6.q16', 'import-im6.q16hdri', 'import-im7.q16', 'magick-import']),
  linux('ksnip', 'ksnip', 'screenshot', ['ksnip']),
  linux('shutter', 'Shutter', 'screenshot', ['shutter'], true),
  linux('xfce4-screenshooter', 'Xfce Screenshooter', 'screenshot', ['xfce4-screenshooter']),
  linux('deepin-screenshot', 'Deepin Screenshot', 'screenshot', ['deepin-screenshot']),
  linux('mate-screenshot', 'MATE Screenshot', 'screenshot', ['mate-screenshot']),
  // Linux: recorders
  linux('deepin-screen-recorder', 'Deepin Screen Recorder', 'recorder', ['deepin-screen-recorder']),
  linux('kazam', 'Kazam', 'recorder', ['kazam'], true),
  linux('obs', 'OBS Studio', 'recorder', ['obs']),
  linux('simplescreenrecorder', 'SimpleScreenRecorder', 'recorder', ['simplescreenrecorder']),
  linux('peek', 'Peek', 'recorder', ['peek']),
  linux('vokoscreen', 'vokoscreen / vokoscreenNG', 'recorder', ['vokoscreen', 'vokoscreenNG']),
  linux('kooha', 'Kooha', 'recorder', ['kooha']),
  linux('gpu-screen-recorder', 'GPU Screen Recorder', 'recorder', ['gpu-screen-recorder', 'gpu-screen-recorder-gtk']),
  linux('wf-recorder', 'wf-recorder (Wayland)', 'recorder', ['wf-recorder']),
  linux('green-recorder', 'Green Recorder', 'recorder', ['green-recorder'], true),
  linux('recordmydesktop', 'recordMyDesktop', 'recorder', ['recordmydesktop']),
  linux('gtk-recordmydesktop', 'gtk-recordMyDesktop', 'recorder', ['gtk-recordmydesktop'], true),
  linux('byzanz-record', 'Byzanz', 'recorder', ['byzanz-record']),
  // Windows: screenshots
  windows('snipping-tool', 'Snipping Tool', 'screenshot', ['SnippingTool.exe']),
  windows('screen-sketch', 'Snip & Sketch', 'screenshot', ['ScreenSketch.exe']),
  windows('screen-clipping-host', 'Windows screen clipping (Win+Shift+S)', 'screenshot', ['ScreenClippingHost.exe']),
  windows('snagit', 'Snagit', 'screenshot', ['Snagit32.exe', 'SnagitEditor.exe', 'Snagit.exe']),
  windows('sharex', 'ShareX', 'screenshot', ['ShareX.exe']),
  windows('greenshot', 'Greenshot', 'screenshot', ['Greenshot.exe']),
  windows('lightshot', 'Lightshot', 'screenshot', ['Lightshot.exe']),
  windows('faststone-capture', 'FastStone Capture', 'screenshot', ['FSCapture.exe']),
  windows('picpick', 'PicPick', 'screenshot', ['PicPick.exe']),
  windows('screenpresso', 'Screenpresso', 'screenshot', ['Screenpresso.exe']),
  // Windows: recorders
  windows('obs-windows', 'OBS Studio', 'recorder', ['obs64.exe', 'obs32.exe']),
  windows('bandicam', 'Bandicam', 'recorder', ['bdcam.exe']),
  windows('camtasia', 'Camtasia', 'recorder', ['Camtasia.exe', 'CamtasiaStudio.exe', 'CamRecorder.exe']),
  windows('screentogif', 'ScreenToGif', 'recorder', ['ScreenToGif.exe']),
  windows('fraps', 'Fraps', 'recorder', ['fraps.exe']),
  // macOS
  macos('screencapture', 'screencapture (built in)', 'screenshot', ['screencapture']),
  macos('screencaptureui', 'Screenshot.app (screencaptureui)', 'screenshot', ['screencaptureui', 'Screenshot']),
  macos('snagit-macos', 'Snagit', 'screenshot', ['Snagit', 'Snagit 2023', 'Snagit 2024', 'Snagit 2025']),
  macos('cleanshot', 'CleanShot X', 'screenshot', ['CleanShot X']),
  macos('monosnap', 'Monosnap', 'screenshot', ['Monosnap']),
  macos('kap', 'Kap', 'recorder', ['Kap']),
  macos('obs-macos', 'OBS Studio', 'recorder', ['OBS', 'obs']),
];

/** The distribution packages of the Linux tools (Debian, Fedora/RHEL names), by catalogue id. */
const LINUX_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  'screen:gnome-screenshot': ['gnome-screenshot'],
  'screen:spectacle': ['kde-spectacle', 'spectacle'],
  'screen:flameshot': ['flameshot'],
  'screen:scrot': ['scrot'],
  'screen:maim': ['maim'],
  'screen:grim': ['grim'],
  'screen:imagemagick-import': ['imagemagick-6.q16', 'imagemagick-6.q16hdri', 'imagemagick-7.q16', 'ImageMagick'],
  'screen:ksnip': ['ksnip'],
  'screen:shutter': ['shutter'],
  'screen:xfce4-screenshooter': ['xfce4-screenshooter'],
  'screen:deepin-screenshot': ['deepin-screenshot'],
  'screen:mate-screenshot': ['mate-utils'],
  'screen:deepin-screen-recorder': ['deepin-screen-recorder'],
  'screen:kazam': ['kazam'],
  'screen:obs': ['obs-studio'],
  'screen:simplescreenrecorder': ['simplescreenrecorder'],
  'screen:peek': ['peek'],
  'screen:vokoscreen': ['vokoscreen', 'vokoscreen-ng'],
  'screen:kooha': ['kooha'],
  'screen:gpu-screen-recorder': ['gpu-screen-recorder'],
  'screen:wf-recorder': ['wf-recorder'],
  'screen:green-recorder': ['green-recorder'],
  'screen:recordmydesktop': ['recordmydesktop'],
  'screen:gtk-recordmydesktop': ['gtk-recordmydesktop'],
  'screen:byzanz-record': ['byzanz'],
};

/** The packages that install a catalogue tool (empty when it is recognised by name only). */
export function packagesOf(tool: CaptureTool): readonly string[] {
  return tool.packages ?? (tool.os === 'linux' ? (LINUX_PACKAGES[tool.id] ?? []) : []);
}

const CAPTURE_TOOL_IDS: ReadonlySet<string> = new Set(CAPTURE_TOOLS.map((t) => t.id));

/** The catalogue entries for one OS. */
export function captureToolsFor(os: CaptureToolOs): CaptureTool[] {
  return CAPTURE_TOOLS.filter((t) => t.os === os);
}

/** True for a rule id the catalogue compiled: decisions by it are screen-capture events. */
export function isCaptureToolRule(ruleId: string | null): boolean {
  return ruleId !== null && CAPTURE_TOOL_IDS.has(ruleId);
}

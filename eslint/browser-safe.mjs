// What browser-safe code (shared's main entry, the web UI) may not import: Node built-ins.
const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'stream', 'util', 'events', 'url', 'zlib', 'worker_threads', 'dgram', 'tls'];

export const noNodeInBrowser = [
  { group: ['node:*'], message: 'Browser-safe code must not use Node built-ins.' },
  // An exact, case-sensitive match on the import specifier: a gitignore-style group such as `events`
  // would also match any path segment, e.g. the UI's `./pages/Events/...` folder.
  { regex: `^(${nodeBuiltins.join('|')})(/.*)?$`, caseSensitive: true, message: 'Browser-safe code must not use Node built-ins.' },
];

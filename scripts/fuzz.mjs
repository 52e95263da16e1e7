// `npm run fuzz [-- --frames N --requests N --seed S --lanes N --rest-lanes N]`: bundles the console
// server and the fuzzer (test/fuzz/) like the product, then runs the long fuzz against a console
// process. One JSON line on stdout (frames/s, crashes); progress on stderr. Exit 1 on any crash.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNode } from './bundle-node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await bundleNode(path.join(root, 'console/server/src/main.ts'), path.join(root, 'dist/console/server.js'));
await bundleNode(path.join(root, 'test/fuzz/fuzz-main.ts'), path.join(root, 'dist/fuzz/fuzz.js'), { sourcemap: false });
const run = spawnSync(process.execPath, [path.join(root, 'dist/fuzz/fuzz.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);

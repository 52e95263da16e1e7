// `npm run simulate -- --agents N --eps E --url ws://HOST:PORT/agent`: bundles the fleet simulator
// (tools/simulator, TypeScript) like the benchmarks and runs it with the given flags.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNode } from './bundle-node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist/tools/simulator.js');
await bundleNode(path.join(root, 'tools/simulator/main.ts'), outfile);
const child = spawn(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group; the child prints its summary.
process.on('SIGINT', () => undefined);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

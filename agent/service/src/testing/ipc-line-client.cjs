// A minimal client of the agent's local socket, run by tests as another user (`nobody`), and in a
// user namespace of its own, to show what the agent believes about who connects. Usage:
//   node ipc-line-client.cjs SOCKET EXPECTED_LINES|until:TEXT 'JSON' ['JSON' ...]
// Writes each request as one line, prints every response line it gets, and exits after
// EXPECTED_LINES responses (or after the first line containing TEXT) or when the agent closes the
// connection.
'use strict';
const net = require('node:net');

const [socketPath, expected, ...requests] = process.argv.slice(2);
let received = 0;
let buffered = '';
const socket = net.createConnection(socketPath);
socket.setEncoding('utf8');
socket.on('connect', () => socket.write(requests.map((r) => `${r}\n`).join('')));
socket.on('data', (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const lastLine = buffered.slice(0, newline);
    process.stdout.write(`${lastLine}\n`);
    buffered = buffered.slice(newline + 1);
    if (expected.startsWith('until:') ? lastLine.includes(expected.slice('until:'.length)) : ++received >= Number(expected)) socket.destroy();
  }
});
socket.on('error', (err) => {
  process.stderr.write(`${err.code ?? err.message}\n`);
  process.exitCode = 3;
});
setTimeout(() => socket.destroy(), 10_000).unref();

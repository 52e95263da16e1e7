// Container HEALTHCHECK (and a check an admin may run by hand): GET /readyz on this console's own
// port on loopback; exit 0 when it answers 200, 1 otherwise. HTTPS when the console serves TLS (it
// is our own server on 127.0.0.1, so its certificate is not checked: this asks "is it ready", not
// "is it who it claims"). Settings from the same variables the console reads.
'use strict';
const https = require('node:https');
const http = require('node:http');

const port = Number(process.env.DLP_PORT || 8080);
const tls = Boolean(process.env.DLP_TLS || process.env.DLP_TLS_CERT);
const client = tls ? https : http;
const request = client.get({ host: '127.0.0.1', port, path: '/readyz', timeout: 4000, rejectUnauthorized: false }, (response) => {
  response.resume();
  process.exitCode = response.statusCode === 200 ? 0 : 1;
  if (process.exitCode !== 0) process.stderr.write(`readyz: HTTP ${response.statusCode}\n`);
});
request.on('timeout', () => request.destroy(new Error('no answer within 4 s')));
request.on('error', (err) => {
  process.stderr.write(`readyz: ${err.message}\n`);
  process.exitCode = 1;
});

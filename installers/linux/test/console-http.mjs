// The HTTP side of install-console-in-debootstrap.sh: asks the installed console over HTTPS, trusting
// only the given certificate (the console's own, so the test also checks which certificate it serves).
//   node console-http.mjs get URL CA_FILE                → {"status":200,"contentType":"…","bytes":N}
//   node console-http.mjs login BASE_URL CA_FILE PASSWORD → {"status":200,"mustChangePassword":false}
// Exits 1 when the answer is not 200.
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [command, url, caFile, password] = process.argv.slice(2);

/** One HTTPS request; resolves with the status, headers and body text. */
function request(target, options, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(target, { ...options, ca: readFileSync(caFile), timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  if (command === 'get') {
    const res = await request(url, { method: 'GET' });
    return { status: res.status, contentType: res.headers['content-type'], bytes: res.text.length };
  }
  if (command === 'login') {
    const body = JSON.stringify({ username: 'admin', password });
    const res = await request(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, body);
    const parsed = res.status === 200 ? JSON.parse(res.text) : {};
    return { status: res.status, mustChangePassword: parsed.mustChangePassword === true };
  }
  throw new Error(`unknown command ${command}`);
}

main().then(
  (result) => {
    console.log(JSON.stringify(result));
    if (result.status !== 200) process.exit(1);
  },
  (err) => {
    console.log(JSON.stringify({ error: err.message }));
    process.exit(1);
  },
);

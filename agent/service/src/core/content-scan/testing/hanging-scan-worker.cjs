// A stand-in for the scan worker that says it started and then never ends (a scan of a huge tree, as
// far as the agent can tell): the tests cancel it and check that the agent killed this process.
// It writes its pid to $PID_FILE first.
const { writeFileSync } = require('node:fs');

writeFileSync(process.env.PID_FILE, String(process.pid));
const skipped = { symlinks: 0, denied: 0, special: 0, excluded: 0 };
const progress = { phase: 'scanning', filesFound: 1000, filesDone: 1, bytesFound: 1000000, bytesDone: 1000, filesFlagged: 0, filesBelowThreshold: 0, filesUnreadable: 0, skipped, fileLimitReached: false };
process.stdout.write(`${JSON.stringify({ kind: 'progress', progress })}\n`);
setInterval(() => undefined, 1 << 30);

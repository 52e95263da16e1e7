import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { AuditService } from '../audit/audit-service';
import { auditCsvLines } from '../audit/audit-csv';
import type { ConsoleStore } from '../store/store';
import type { CliIo } from './cli-io';
import { CLI_CONTEXT, cliOperator } from './enrollment-commands';

/**
 * `dlp audit-export [--out file.csv]`: the whole audit log as CSV (UTF-8 with BOM, oldest first).
 * Without --out the CSV goes to stdout.
 */
export async function auditExportCommand(store: ConsoleStore, io: CliIo, outFile: string | undefined): Promise<number> {
  const lines = auditCsvLines(new AuditService(store).exportRows({}));
  if (outFile === undefined) {
    let rows = -1;
    for await (const line of lines) {
      io.out(line.replace(/\r\n$/, ''));
      rows += 1;
    }
    await new AuditService(store).record({ ...CLI_CONTEXT, action: 'audit.export', target: { type: 'audit', id: 'csv' }, after: { via: 'cli', rows, file: null, osUser: cliOperator() } });
    return 0;
  }
  // wx: never overwrite an earlier export (evidence) by accident.
  const file = createWriteStream(outFile, { flags: 'wx', mode: 0o600 });
  try {
    await once(file, 'open');
  } catch (err) {
    io.err(`cannot create ${outFile}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  let rows = -1;
  try {
    for await (const line of lines) {
      if (!file.write(line, 'utf8')) await once(file, 'drain');
      rows += 1;
    }
  } finally {
    file.end();
    await once(file, 'close').catch(() => undefined);
  }
  await new AuditService(store).record({ ...CLI_CONTEXT, action: 'audit.export', target: { type: 'audit', id: 'csv' }, after: { via: 'cli', rows, file: outFile, osUser: cliOperator() } });
  io.err(`exported ${rows} audit rows to ${outFile}`);
  return 0;
}

/** `dlp audit-verify`: exit 0 when the hash chain is intact, 1 with the first broken row otherwise. */
export async function auditVerifyCommand(store: ConsoleStore, io: CliIo): Promise<number> {
  const audit = new AuditService(store);
  const result = await audit.verify();
  // Recorded after the check, so the row verified is never the one being written.
  await audit.record({ ...CLI_CONTEXT, action: 'audit.verify', target: { type: 'audit', id: 'chain' }, after: result.ok ? { ok: true, rows: result.rows, osUser: cliOperator() } : { ok: false, firstBrokenId: result.firstBrokenId, osUser: cliOperator() } });
  if (result.ok) {
    io.out(`audit chain ok: ${result.rows} rows, head ${result.headHash}`);
    return 0;
  }
  io.out(`audit chain BROKEN at row ${result.firstBrokenId}: ${result.reason}`);
  return 1;
}

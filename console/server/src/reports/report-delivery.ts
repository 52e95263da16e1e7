import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { ReportDelivery } from '@dlp/shared';

/** SMTP settings from the console's configuration; the password is never logged or returned. */
export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). */
  secure: boolean;
  /** Upgrade with STARTTLS: `required` fails without it, `opportunistic` uses it when offered, `off` never. */
  startTls: 'required' | 'opportunistic' | 'off';
  user?: string;
  password?: string;
  from: string;
  /** Extra trust for a private mail relay's certificate (PEM); system roots otherwise. */
  ca?: string;
}

/** One rendered report, ready to deliver. */
export interface RenderedReport {
  /** Safe file base name (letters, digits, `-`, `_`, `.`). */
  baseName: string;
  subject: string;
  html: string;
  text: string;
  csv: string;
}

export interface ReportDeliverer {
  deliver(report: RenderedReport, target: ReportDelivery): Promise<void>;
}

/**
 * Writes `<root>/<folder>/<baseName>.html` and `.csv`, each through a temporary file and a rename
 * in the same folder, so a reader never sees half a file.
 */
export async function deliverToFolder(root: string, folder: string, report: RenderedReport): Promise<void> {
  const dir = path.join(root, folder);
  // The folder name is validated as a plain name; this guards against a future change of that rule.
  if (path.dirname(dir) !== path.resolve(root)) throw new Error('report folder must be a direct child of the report root');
  await mkdir(dir, { recursive: true, mode: 0o750 });
  for (const [extension, content] of [
    ['html', report.html],
    ['csv', report.csv],
  ] as const) {
    const final = path.join(dir, `${report.baseName}.${extension}`);
    const temporary = path.join(dir, `.${report.baseName}.${extension}.${process.pid}.tmp`);
    await writeFile(temporary, content, { encoding: 'utf8', mode: 0o640 });
    await rename(temporary, final);
  }
}

/** Sends the report as an HTML mail with a text part and the CSV attached. */
export async function deliverBySmtp(config: SmtpConfig, recipients: readonly string[], report: RenderedReport): Promise<void> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.startTls === 'required',
    ignoreTLS: config.startTls === 'off',
    ...(config.user !== undefined ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    ...(config.ca !== undefined ? { tls: { ca: config.ca } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    // No transport logging: it would print the AUTH exchange.
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: [...recipients],
      subject: report.subject,
      text: report.text,
      html: report.html,
      attachments: [{ filename: `${report.baseName}.csv`, content: report.csv, contentType: 'text/csv; charset=utf-8' }],
    });
  } finally {
    transport.close();
  }
}

/** The deliverer for the configured targets; SMTP without configuration is an error at delivery. */
export function createReportDeliverer(options: { folderRoot: string; smtp: SmtpConfig | undefined }): ReportDeliverer {
  return {
    async deliver(report, target) {
      if (target.kind === 'folder') return deliverToFolder(options.folderRoot, target.folder, report);
      if (!options.smtp) throw new Error('SMTP is not configured on this console (DLP_SMTP_HOST and DLP_SMTP_FROM)');
      return deliverBySmtp(options.smtp, target.recipients, report);
    },
  };
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fieldIssues } from '@dlp/shared';
import type { ReportOptions } from './report-services';

const envSchema = z.object({
  DLP_SMTP_HOST: z.string().min(1).max(253).optional(),
  DLP_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** `true`: TLS from the first byte (port 465). */
  DLP_SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  DLP_SMTP_STARTTLS: z.enum(['required', 'opportunistic', 'off']).default('required'),
  DLP_SMTP_USER: z.string().min(1).max(256).optional(),
  DLP_SMTP_PASSWORD: z.string().min(1).max(1024).optional(),
  /** Envelope and header sender, e.g. `DLP console <dlp@example.com>`. */
  DLP_SMTP_FROM: z.string().min(3).max(320).optional(),
  /** PEM file of the CA that signed the relay's certificate (private relays). */
  DLP_SMTP_CA_FILE: z.string().min(1).optional(),
  DLP_REPORTS_DIR: z.string().min(1).optional(),
});

/**
 * Scheduled-report settings from the environment (DLP_SMTP_*, DLP_REPORTS_DIR). The SMTP password
 * comes only from here and goes only to the mail transport. Throws with the variable names on bad values.
 */
export function reportOptionsFromEnv(env: NodeJS.ProcessEnv): ReportOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid scheduled-report settings: ${fieldIssues(parsed.error).map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  const options: ReportOptions = {};
  if (e.DLP_REPORTS_DIR !== undefined) options.folderRoot = e.DLP_REPORTS_DIR;
  if (e.DLP_SMTP_HOST === undefined) return options;
  if (e.DLP_SMTP_FROM === undefined) throw new Error('Invalid scheduled-report settings: DLP_SMTP_FROM is required with DLP_SMTP_HOST');
  options.smtp = {
    host: e.DLP_SMTP_HOST,
    port: e.DLP_SMTP_PORT,
    secure: e.DLP_SMTP_SECURE === 'true',
    startTls: e.DLP_SMTP_STARTTLS,
    from: e.DLP_SMTP_FROM,
    ...(e.DLP_SMTP_USER !== undefined ? { user: e.DLP_SMTP_USER, password: e.DLP_SMTP_PASSWORD ?? '' } : {}),
    ...(e.DLP_SMTP_CA_FILE !== undefined ? { ca: readFileSync(e.DLP_SMTP_CA_FILE, 'utf8') } : {}),
  };
  return options;
}

import { consoleSettings, type ConsoleSettings } from '@dlp/shared';
import type { ConsoleStore, StoreRepositories } from '../store/store';
import type { AuditEntryInput, AuditService } from './audit-service';

const SETTINGS_NAME = 'console';

/** Until an admin changes anything: no forced password rotation. */
export const DEFAULT_SETTINGS: ConsoleSettings = { passwordMaxAgeDays: null };

/** Reads the settings through any repositories (the store or a transaction). Bad stored values fall back to defaults. */
export async function readSettings(repos: Pick<StoreRepositories, 'settings'>): Promise<ConsoleSettings> {
  const parsed = consoleSettings.safeParse(await repos.settings.get(SETTINGS_NAME));
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** Console-wide settings (admins): today the password rotation period. Every change is audited. */
export class SettingsService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
  ) {}

  get(): Promise<ConsoleSettings> {
    return readSettings(this.store);
  }

  async update(next: ConsoleSettings, context: Pick<AuditEntryInput, 'actor' | 'sourceIp'>): Promise<ConsoleSettings> {
    return this.store.transaction(async (tx) => {
      const before = await readSettings(tx);
      await tx.settings.set(SETTINGS_NAME, next);
      await this.audit.record({ ...context, action: 'settings.update', target: { type: 'settings', id: SETTINGS_NAME }, before, after: next }, tx);
      return next;
    });
  }
}

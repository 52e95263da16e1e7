import { consoleSettings, DEFAULT_IDENTITY_MAPPING, identityMappingSettings, type ConsoleSettings, type IdentityMappingSettings } from '@dlp/shared';
import type { ConsoleStore, StoreRepositories } from '../store/store';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';

const SETTINGS_NAME = 'console';
/** Kept apart from the console settings so each is read and replaced whole by its own page section. */
const IDENTITY_MAPPING_NAME = 'identity-mapping';

/** Until an admin changes anything: no forced password rotation. */
export const DEFAULT_SETTINGS: ConsoleSettings = { passwordMaxAgeDays: null };

/** Reads the settings through any repositories (the store or a transaction). Bad stored values fall back to defaults. */
export async function readSettings(repos: Pick<StoreRepositories, 'settings'>): Promise<ConsoleSettings> {
  const parsed = consoleSettings.safeParse(await repos.settings.get(SETTINGS_NAME));
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

/** How agent-reported workstation users map to console accounts (separation of duties); defaults when unset or unreadable. */
export async function readIdentityMapping(repos: Pick<StoreRepositories, 'settings'>): Promise<IdentityMappingSettings> {
  const parsed = identityMappingSettings.safeParse(await repos.settings.get(IDENTITY_MAPPING_NAME));
  return parsed.success ? parsed.data : DEFAULT_IDENTITY_MAPPING;
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

  getIdentityMapping(): Promise<IdentityMappingSettings> {
    return readIdentityMapping(this.store);
  }

  async updateIdentityMapping(next: IdentityMappingSettings, context: Pick<AuditEntryInput, 'actor' | 'sourceIp'>): Promise<IdentityMappingSettings> {
    return this.store.transaction(async (tx) => {
      const before = await readIdentityMapping(tx);
      await tx.settings.set(IDENTITY_MAPPING_NAME, next);
      await this.audit.record({ ...context, action: 'settings.update', target: { type: 'settings', id: IDENTITY_MAPPING_NAME }, before, after: next }, tx);
      return next;
    });
  }
}

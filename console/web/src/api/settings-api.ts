import { consoleSettings, identityMappingSettings, type ConsoleSettings, type IdentityMappingSettings } from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Console-wide settings (admins only): today the password rotation period. */
export interface SettingsApi {
  get(): Promise<ConsoleSettings>;
  /** Sends the whole settings object; answers the settings now in force. */
  update(settings: ConsoleSettings): Promise<ConsoleSettings>;
  /** How workstation users reported by agents map to console accounts (separation of duties). */
  getIdentityMapping(): Promise<IdentityMappingSettings>;
  updateIdentityMapping(mapping: IdentityMappingSettings): Promise<IdentityMappingSettings>;
}

/** The settings API over the shared HTTP client (answers parsed with the @dlp/shared schema). */
export function createSettingsApi(http: HttpClient): SettingsApi {
  return {
    get: () => http.request('GET', '/api/v1/settings', consoleSettings),
    update: (settings) => http.request('PUT', '/api/v1/settings', consoleSettings, { body: settings }),
    getIdentityMapping: () => http.request('GET', '/api/v1/settings/identity-mapping', identityMappingSettings),
    updateIdentityMapping: (mapping) => http.request('PUT', '/api/v1/settings/identity-mapping', identityMappingSettings, { body: mapping }),
  };
}

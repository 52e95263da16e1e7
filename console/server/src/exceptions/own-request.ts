import { mapReportedUser, normalizeAccountName } from '@dlp/shared';
import type { ExceptionActorRecord, ExceptionRecord } from '../store/lifecycle-store';
import type { StoreRepositories } from '../store/store';
import { readIdentityMapping } from '../settings/settings-service';

/** A person at the console, whatever credential they act with (for an API token: its owner). */
export interface ActingPerson {
  id: string;
  username: string;
}

/**
 * The person who filed a request at the console. Records written before persons were recorded
 * (no `via`) hold a token's own id when a token filed them: that token resolves to its owner.
 */
async function filerPersonId(repos: Pick<StoreRepositories, 'apiTokens'>, createdBy: ExceptionActorRecord): Promise<string> {
  if (createdBy.via !== undefined) return createdBy.id;
  const token = await repos.apiTokens.findById(createdBy.id);
  return token ? token.createdBy : createdBy.id;
}

/**
 * Whether `person` made this request, by any credential: they filed it at the console (with a
 * session or any API token of theirs), or they are the workstation user who asked, as reported by
 * the agent and mapped to an account by the identity mapping (or named exactly as the account).
 */
export async function isOwnRequest(
  repos: Pick<StoreRepositories, 'apiTokens' | 'settings'>,
  record: Pick<ExceptionRecord, 'createdBy' | 'requestedBy'>,
  person: ActingPerson,
): Promise<boolean> {
  if (record.createdBy && (await filerPersonId(repos, record.createdBy)) === person.id) return true;
  if (record.requestedBy === null) return false;
  const account = normalizeAccountName(person.username);
  if (normalizeAccountName(record.requestedBy.trim()) === account) return true;
  return mapReportedUser(record.requestedBy, await readIdentityMapping(repos)) === account;
}

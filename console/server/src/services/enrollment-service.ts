import { DEFAULT_GROUP_ID, uuidv7, type AgentInfo, type EnrollSecretSummary } from '@dlp/shared';
import { generateUnlockKey } from '@dlp/shared/node';
import { newSecretToken, sha256Hex } from '../auth/secret-token';
import type { Logger } from '../logging/logger';
import type { ConsoleStore, EnrollSecretRecord } from '../store/store';
import { notFound } from './service-error';

export interface CreatedEnrollSecret extends EnrollSecretSummary {
  /** Shown once; only its hash is stored. */
  secret: string;
}

export interface EnrolledAgent {
  agentId: string;
  /** The agent's credential; only its hash is stored. */
  token: string;
  groupId: string;
  /** The agent's offline-unlock key (base64, 32 bytes): sent once in `enrolled`, kept to issue codes. */
  unlockKey: string;
}

function toSummary(record: EnrollSecretRecord): EnrollSecretSummary {
  return { id: record.id, label: record.label, createdAt: record.createdAt, groupId: record.groupId };
}

/**
 * Enroll secrets and agent enrollment. A secret is reusable until deleted (an installer carries
 * one secret to many workstations); each enrollment mints a per-agent token.
 */
export class EnrollmentService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly logger: Logger,
  ) {}

  async createSecret(label: string, groupId: string = DEFAULT_GROUP_ID): Promise<CreatedEnrollSecret> {
    // Agents enrolled with the secret join this group: it must exist now (and cannot be deleted while the secret does).
    if (!(await this.store.groups.findById(groupId))) throw notFound('group', groupId);
    const secret = newSecretToken();
    const record = await this.insertSecret(secret, label, groupId);
    return { ...toSummary(record), secret };
  }

  /** Registers a secret chosen elsewhere (e.g. by `npm start`) unless it is already known. */
  async registerSecret(secret: string, label: string, groupId: string = DEFAULT_GROUP_ID): Promise<boolean> {
    if (await this.store.enrollSecrets.findByHash(sha256Hex(secret))) return false;
    await this.insertSecret(secret, label, groupId);
    return true;
  }

  async listSecrets(): Promise<EnrollSecretSummary[]> {
    return (await this.store.enrollSecrets.list()).map(toSummary);
  }

  async deleteSecret(id: string): Promise<void> {
    if (!(await this.store.enrollSecrets.delete(id))) throw notFound('enroll secret', id);
    this.logger.info('enroll secret deleted', { enrollSecretId: id });
  }

  /** Creates an agent for a valid secret; undefined when the secret is unknown. */
  async enroll(secret: string, info: AgentInfo): Promise<EnrolledAgent | undefined> {
    const found = await this.store.enrollSecrets.findByHash(sha256Hex(secret));
    if (!found) return undefined;
    const agentId = uuidv7();
    const token = newSecretToken();
    const unlockKey = generateUnlockKey();
    const enrolledAt = new Date().toISOString();
    await this.store.transaction(async (tx) => {
      await tx.agents.insert({ id: agentId, tokenHash: sha256Hex(token), groupId: found.groupId, info, enrolledAt, enrollSecretId: found.id });
      await tx.unlockKeys.insert(agentId, unlockKey, enrolledAt);
    });
    return { agentId, token, groupId: found.groupId, unlockKey: unlockKey.toString('base64') };
  }

  private async insertSecret(secret: string, label: string, groupId: string): Promise<EnrollSecretRecord> {
    const record: EnrollSecretRecord = { id: uuidv7(), label, secretHash: sha256Hex(secret), groupId, createdAt: new Date().toISOString() };
    await this.store.enrollSecrets.insert(record);
    this.logger.info('enroll secret created', { enrollSecretId: record.id, label });
    return record;
  }
}

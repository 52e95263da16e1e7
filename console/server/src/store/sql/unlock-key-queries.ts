import type { SqlStatements } from '@dlp/shared/node';
import type { UnlockKeyRepository } from '../lifecycle-store';

/** Per-agent unlock keys (32 bytes each), created at enrollment. */
export function sqlUnlockKeyRepository(sql: SqlStatements): UnlockKeyRepository {
  return {
    async insert(agentId, key, createdAt) {
      await sql.run('INSERT INTO agent_unlock_keys (agent_id, unlock_key, created_at) VALUES (?, ?, ?)', [agentId, key, createdAt]);
    },
    async find(agentId) {
      const row = await sql.get<{ unlock_key: Buffer }>('SELECT unlock_key FROM agent_unlock_keys WHERE agent_id = ?', [agentId]);
      return row?.unlock_key;
    },
  };
}

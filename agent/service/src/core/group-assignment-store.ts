import { describeIssues, signedGroupAssignment, type GroupAssignment } from '@dlp/shared';
import { keyIdOf, verifyGroupAssignment, type SqliteDatabase } from '@dlp/shared/node';

export type AssignmentResult =
  | { status: 'applied'; assignment: GroupAssignment; changed: boolean }
  | { status: 'rejected'; reason: string; tampering: boolean };

/**
 * The agent's group, as the console last signed it (issue 12 item 8). A policy bundle bound to a
 * group is accepted only for this group; the per-agent serial refuses an older move replayed to
 * put the agent back into a looser group. Kept in SQLite so a restart keeps the mark.
 */
export class GroupAssignmentStore {
  private held: GroupAssignment | null = null;

  private constructor(private readonly db: SqliteDatabase) {}

  static async open(db: SqliteDatabase): Promise<GroupAssignmentStore> {
    const store = new GroupAssignmentStore(db);
    const row = await db.get<{ signed_json: string }>('SELECT signed_json FROM group_state WHERE id = 1');
    if (row) {
      // Written by accept() after verification; re-parsed so a hand-edited row cannot widen the type.
      const parsed = signedGroupAssignment.safeParse(JSON.parse(row.signed_json));
      if (parsed.success) store.held = parsed.data.assignment;
    }
    return store;
  }

  /** The group the agent is in, or null before the console sent any assignment (older console). */
  groupId(): string | null {
    return this.held?.groupId ?? null;
  }

  serial(): number {
    return this.held?.serial ?? 0;
  }

  /** Verifies a pushed assignment against the pinned key and this agent's id, then keeps it if newer. */
  async accept(raw: unknown, agentId: string | null, pinnedPublicKey: string | null): Promise<AssignmentResult> {
    const parsed = signedGroupAssignment.safeParse(raw);
    if (!parsed.success) return { status: 'rejected', reason: `invalid group assignment: ${describeIssues(parsed.error)}`, tampering: false };
    const signed = parsed.data;
    const { assignment } = signed;
    if (pinnedPublicKey === null || agentId === null) return { status: 'rejected', reason: 'not enrolled yet', tampering: false };
    const verdict = verifyGroupAssignment(signed, pinnedPublicKey);
    if (!verdict.ok) {
      const reason = verdict.reason === 'unknown_key' ? `group assignment signed by another key (${assignment.keyId}, pinned ${keyIdOf(pinnedPublicKey)})` : 'group assignment signature does not match (tampered)';
      return { status: 'rejected', reason, tampering: true };
    }
    if (assignment.agentId !== agentId) return { status: 'rejected', reason: `group assignment for another agent (${assignment.agentId})`, tampering: true };
    // A re-enrolled agent (new id, same data dir) starts a new move counter: the old mark is not its own.
    const held = this.held?.agentId === agentId ? this.held : null;
    if (held && assignment.serial === held.serial && assignment.groupId === held.groupId) return { status: 'applied', assignment: held, changed: false };
    if (held && assignment.serial <= held.serial) {
      return { status: 'rejected', reason: `group assignment rollback refused: serial ${assignment.serial} (group ${assignment.groupId}) is not newer than ${held.serial} (group ${held.groupId})`, tampering: true };
    }
    await this.db.run(
      `INSERT INTO group_state (id, group_id, serial, signed_json, accepted_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET group_id = excluded.group_id, serial = excluded.serial, signed_json = excluded.signed_json, accepted_at = excluded.accepted_at`,
      [assignment.groupId, assignment.serial, JSON.stringify(signed), new Date().toISOString()],
    );
    const changed = this.held?.groupId !== assignment.groupId;
    this.held = assignment;
    return { status: 'applied', assignment, changed };
  }
}

import type { Role } from '@dlp/shared';

/** The officer acting (a person or an API token) and where from. */
export interface TriageActor {
  actor: { id: string; username: string; role: Role };
  sourceIp: string | null;
}

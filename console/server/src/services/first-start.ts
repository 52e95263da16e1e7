import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/logger';
import type { AgentService } from './agent-service';
import type { AuthService } from './auth-service';
import type { EnrollmentService } from './enrollment-service';
import type { PolicyService } from './policy-service';

/** Shortest admin password accepted from the environment: trivial passwords are not allowed. */
export const MIN_ADMIN_PASSWORD_LENGTH = 8;

/** The protocol's lower bound for an enroll secret (enrollMessage.secret). */
const MIN_ENROLL_SECRET_LENGTH = 16;

export interface FirstStartOptions {
  /** Password of the first admin; random (and announced once) when absent. */
  adminPassword?: string;
  /** An enroll secret to register for a local agent (label "local agent"). */
  localEnrollSecret?: string;
  /** Where the one-time admin password line goes (stdout in the real process). */
  announce: (line: string) => void;
}

export interface FirstStartServices {
  auth: AuthService;
  agents: AgentService;
  policies: PolicyService;
  enrollment: EnrollmentService;
  logger: Logger;
}

/**
 * Brings a data dir to a usable state; safe to run on every start (each step checks first).
 * Creates the default group and policy, the first admin, and the local enroll secret.
 */
export async function runFirstStart(services: FirstStartServices, options: FirstStartOptions): Promise<void> {
  const { auth, agents, policies, enrollment, logger } = services;
  // Nobody is connected yet: whatever the last run left marked online is stale.
  await agents.markAllOffline();
  await policies.ensureDefaultGroup();

  if (!(await auth.hasUsers())) {
    if (options.adminPassword !== undefined && options.adminPassword.length < MIN_ADMIN_PASSWORD_LENGTH) {
      throw new Error(`the admin password must have at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`);
    }
    const password = options.adminPassword ?? randomBytes(18).toString('base64url');
    await auth.createUserIfMissing('admin', 'admin', password);
    if (options.adminPassword === undefined) {
      options.announce(`First admin: admin / ${password}  (shown once; change it after login)`);
    }
    logger.info('first admin created', { username: 'admin', passwordSource: options.adminPassword === undefined ? 'random' : 'DLP_ADMIN_PASSWORD' });
  }

  if (options.localEnrollSecret !== undefined && options.localEnrollSecret.length < MIN_ENROLL_SECRET_LENGTH) {
    throw new Error(`the local enroll secret must have at least ${MIN_ENROLL_SECRET_LENGTH} characters`);
  }
  if (options.localEnrollSecret !== undefined && (await enrollment.registerSecret(options.localEnrollSecret, 'local agent'))) {
    logger.info('local agent enroll secret registered');
  }
}

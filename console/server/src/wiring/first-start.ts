import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/logger';
import { assertPasswordAcceptable } from '../accounts/password-rules';
import { ServiceError } from '../service-kit/service-error';
import type { AgentService } from '../agents/agent-service';
import type { AuthService } from '../accounts/auth-service';
import type { EnrollmentService } from '../enrollment/enrollment-service';
import type { PolicyService } from '../policies/policy-service';


/** The protocol's lower bound for an enroll secret (enrollMessage.secret). */
const MIN_ENROLL_SECRET_LENGTH = 16;

export interface FirstStartOptions {
  /** Password of the first admin; random (and announced once) when absent. */
  adminPassword?: string;
  /** An enroll secret to register for a local agent (label "local agent"). */
  localEnrollSecret?: string;
  /** The Default policy of a new console gets the demo rule (`--demo-rule`, `npm start`). */
  demoRule?: boolean;
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
  await policies.ensureDefaultGroup({ demoRule: options.demoRule === true });

  if (!(await auth.hasUsers())) {
    if (options.adminPassword !== undefined) assertBootstrapPassword(options.adminPassword);
    const password = options.adminPassword ?? randomBytes(18).toString('base64url');
    // A printed password has been on a screen and in a terminal's scrollback: it must be replaced.
    const mustChangePassword = options.adminPassword === undefined;
    await auth.createUserIfMissing('admin', 'admin', password, { mustChangePassword, context: { actor: { system: 'first-start' }, sourceIp: null } });
    if (options.adminPassword === undefined) {
      options.announce(`First admin: admin / ${password}  (shown once; you must change it at first login)`);
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

/**
 * The operator-chosen first-admin password (DLP_ADMIN_PASSWORD) must be long enough and not a
 * common one. The user-name rule is not applied: deployment scripts choose it before any person
 * has an account, and the admin is expected to set a personal password (and personal accounts).
 */
export function assertBootstrapPassword(password: string): void {
  try {
    assertPasswordAcceptable(password, 'admin', 'adminPassword', { skipUsernameRule: true });
  } catch (err) {
    if (err instanceof ServiceError) throw new Error(`the admin password ${err.message.replace(/^The password /, '')}`);
    throw err;
  }
}

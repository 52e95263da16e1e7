import type { SigningKeyPair } from '@dlp/shared/node';
import { createExceptionSigner } from '../signing/exception-signer';
import type { ConsoleStore } from '../store/store';
import type { AgentService } from '../agents/agent-service';
import type { AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { ExceptionService } from '../exceptions/exception-service';
import { GroupService } from '../groups/group-service';
import { ImpactService } from '../policies/impact-service';
import { PolicyLifecycleService } from '../policies/policy-lifecycle-service';
import type { PolicyService } from '../policies/policy-service';
import { UnlockCodeService } from '../exceptions/unlock-code-service';

/** Groups, policy lifecycle, impact preview, exceptions and unlock codes, built together. */
export interface LifecycleServices {
  agents: AgentService;
  groups: GroupService;
  lifecycle: PolicyLifecycleService;
  impact: ImpactService;
  exceptions: ExceptionService;
  unlockCodes: UnlockCodeService;
}

export interface LifecycleDeps {
  store: ConsoleStore;
  agents: AgentService;
  policies: PolicyService;
  audit: AuditService;
  bus: ConsoleEvents;
  /** The console key: exceptions are signed with the key agents pinned for policies. */
  signingKey: SigningKeyPair;
  /** The clock exceptions are granted and expired by; Date.now by default. */
  now?: () => number;
}

export function createLifecycleServices(deps: LifecycleDeps): LifecycleServices {
  return {
    agents: deps.agents,
    groups: new GroupService(deps.store, deps.policies, deps.audit, deps.bus),
    lifecycle: new PolicyLifecycleService(deps.store, deps.policies, deps.audit),
    impact: new ImpactService(deps.store),
    exceptions: new ExceptionService(deps.store, createExceptionSigner(deps.signingKey), deps.audit, deps.bus, deps.now),
    unlockCodes: new UnlockCodeService(deps.store, deps.audit),
  };
}

import {
  exceptionPage,
  exceptionResponse,
  uninstallCodeIssued,
  unlockCodeIssued,
  type ApproveExceptionRequest,
  type CreateExceptionRequest,
  type ExceptionState,
  type ExceptionView,
  type Page,
  type UninstallCodeIssued,
  type UninstallCodeRequest,
  type UnlockCodeIssued,
  type UnlockCodeRequest,
} from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Filters and paging of the exception list; all optional. */
export interface ExceptionListQuery {
  state?: ExceptionState;
  agentId?: string;
  cursor?: string;
  limit?: number;
}

/** Exception requests and decisions (officers and admins decide; auditors read), and unlock codes. */
export interface ExceptionsApi {
  list(query?: ExceptionListQuery): Promise<Page<ExceptionView>>;
  /** Files a request on an employee's behalf; it is pending and the filer may not decide it (`own_request`). */
  create(request: CreateExceptionRequest): Promise<ExceptionView>;
  /** 400 `duration_too_long` when the duration exceeds the request; 403 `own_request`; 409 `already_decided`. */
  approve(id: string, request: ApproveExceptionRequest): Promise<ExceptionView>;
  deny(id: string, reason: string): Promise<ExceptionView>;
  /** 409 `not_active` unless approved and unexpired. */
  revoke(id: string, reason?: string): Promise<ExceptionView>;
  /** The code is shown once: the console does not keep it. */
  issueUnlockCode(agentId: string, request: UnlockCodeRequest): Promise<UnlockCodeIssued>;
  /** Admins: a code the agent package's removal script accepts once while the agent enforces (issue 14). */
  issueUninstallCode(agentId: string, request: UninstallCodeRequest): Promise<UninstallCodeIssued>;
}

/** The exceptions API over the shared HTTP client (answers parsed with the @dlp/shared schemas). */
export function createExceptionsApi(http: HttpClient): ExceptionsApi {
  const decide = async (id: string, verb: 'approve' | 'deny' | 'revoke', body: unknown) =>
    (await http.request('POST', `/api/v1/exceptions/${encodeURIComponent(id)}/${verb}`, exceptionResponse, { body })).exception;
  return {
    list: (query = {}) =>
      http.request('GET', '/api/v1/exceptions', exceptionPage, { query: { state: query.state, agentId: query.agentId, cursor: query.cursor, limit: query.limit } }),
    create: async (request) => (await http.request('POST', '/api/v1/exceptions', exceptionResponse, { body: request })).exception,
    approve: (id, request) => decide(id, 'approve', request),
    deny: (id, reason) => decide(id, 'deny', { reason }),
    revoke: (id, reason) => decide(id, 'revoke', reason === undefined || reason === '' ? {} : { reason }),
    issueUnlockCode: (agentId, request) => http.request('POST', `/api/v1/agents/${encodeURIComponent(agentId)}/unlock-codes`, unlockCodeIssued, { body: request }),
    issueUninstallCode: (agentId, request) => http.request('POST', `/api/v1/agents/${encodeURIComponent(agentId)}/uninstall-codes`, uninstallCodeIssued, { body: request }),
  };
}

/**
 * Browser-safe entry: schemas, limits, canonical JSON, ids. Node-only helpers (signatures, SQLite)
 * live in `@dlp/shared/node`.
 */
export * from './limits';
export * from './ids';
export * from './canonical-json';
export * from './validation';
export * from './protocol-codec';
export * from './schemas/primitives';
export * from './schemas/policy';
export * from './schemas/event';
export * from './schemas/agent-info';
export * from './schemas/protocol';
export * from './api/rest';
export * from './api/event-search-api';
export * from './api/console-api';
export * from './api/enrollment-api';
export * from './api/audit-api';
export * from './api/users-api';
export * from './api/identity-mapping';
export * from './schemas/agent-config';
export * from './test-samples';
export * from './schemas/exception';
export * from './schemas/ipc';
export * from './schemas/exception-request';
export * from './api/group-api';
export * from './api/policy-lifecycle-api';
export * from './api/exception-api';
export * from './matching/glob';
export * from './matching/app-matcher';
export * from './matching/usb-rule-matcher';
export * from './matching/capture-tool-catalogue';
export * from './matching/capture-tool-rules';
export * from './api/alert-api';
export * from './api/triage-api';
export * from './api/report-api';
export * from './api/ops-api';

/** Node-only helpers shared by agent and console: Ed25519 signatures, SQLite, unlock codes, content extraction. */
export * from './signing';
export * from './sqlite';
export * from './unlock-code';
export * from './tls-pin';
export * from './content';
export * from './agent-ipc-client';
export * from './line-reader';

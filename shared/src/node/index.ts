/** Node-only helpers shared by agent and console: Ed25519 signatures and SQLite. */
export * from './signing';
export * from './sqlite';

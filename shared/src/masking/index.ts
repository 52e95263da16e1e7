/**
 * Masking data for vendors (issue 16 item 4, docs/MASKING.md): streaming rewrites of CSV/TSV, JSON
 * lines, SQL dumps and xlsx parts that mask personal data per column and per value, format-keeping
 * or as keyed pseudonyms. Pure and browser-safe: files, zip, keys and HMAC are the caller's (the
 * `dlp mask` command in console/server/src/cli/).
 */
export * from './mask-kinds';
export * from './draw-stream';
export * from './value-generators';
export * from './hit-finder';
export * from './value-masker';
export * from './raw-value-filter';
export * from './cell-sink';
export * from './column-classifier';
export * from './survey-sink';
export * from './mask-sink';
export * from './scan-sinks';
export * from './text-hit-scanner';
export * from './csv-transform';
export * from './jsonl-transform';
export * from './sql-transform';
export * from './xml-stream';
export * from './xlsx-parts';
export * from './gb18030-encoder';
export * from './mask-report';
export * from './mask-pipeline';
export * from './hmac-sha256';
export * from './siphash';

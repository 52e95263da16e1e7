/** Node-only content extraction (issue 16 item 2): files to text for the detectors in `@dlp/shared`. */
export * from './extraction-limits';
export * from './byte-source';
export * from './text-decoding';
export * from './file-formats';
export * from './zip-reader';
export * from './xml-text';
export * from './pdf-text';
export * from './scan-file';

/** Content inspection (issue 16): detectors, the streaming text scanner, content-rule shape. Browser-safe. */
export * from './normalize';
export * from './checksums';
export * from './redaction';
export * from './detectors';
export * from './candidate-windows';
export * from './custom-patterns';
export * from './content-scanner';
export * from './content-rule';
export * from './pii-generator';

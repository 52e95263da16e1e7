// Jest runs TypeScript through ts-jest in CommonJS mode with type-checking off (tsc --noEmit runs
// separately in `npm test`), so a test run costs seconds, not minutes.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/shared', '<rootDir>/agent', '<rootDir>/console', '<rootDir>/test', '<rootDir>/tools', '<rootDir>/installers'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10', jsx: 'react-jsx', esModuleInterop: true, target: 'ES2022' } }],
    // chokidar 5 and its readdirp ship only ES modules; jest's CommonJS runtime needs them as CommonJS
    // (the esbuild bundle converts them itself). Only these packages: the rest of node_modules is left as is.
    '/node_modules/(chokidar|readdirp)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, target: 'ES2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(chokidar|readdirp)/)'],
  moduleNameMapper: {
    '^@dlp/shared$': '<rootDir>/shared/src/index.ts',
    '^@dlp/shared/node$': '<rootDir>/shared/src/node/index.ts',
  },
  testTimeout: 30000,
  // Kernel-touching and process-spawning suites must not run concurrently on a 2-core box.
  maxWorkers: 2,
};

/**
 * Unit specs live beside the code (src/ and packages/*\/src); e2e specs in test/e2e. The packages are mapped to
 * their sources. The `install` project (test/install: the packed client installed from the npm registry, minutes)
 * is `npm test`'s third run, alone; scripts/run-tests.js keeps it out of the first.
 */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true } }];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/src/$1', '^@qr-hub/([^/]+)$': '<rootDir>/packages/$1/src', '^@qr-hub/([^/]+)/(.+)$': '<rootDir>/packages/$1/src/$2' },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  maxWorkers: 2,
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/utils/global-setup.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/packages/*/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts']},
    { ...common, displayName: 'install', testMatch: ['<rootDir>/test/install/**/*.install-spec.ts'] },
  ],
};

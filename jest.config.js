// ESM-only packages (NestJS 12 and a few of its dependencies) are compiled to CommonJS by swc for Jest.
const esmPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  'load-esm',
  '@borewit',
  'cookie',
  '@seriousme',
  'content-disposition',
];
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@app/(analytics|auth|cache|chat|common|config|database|redis|health|llm|tasks)$': '<rootDir>/libs/$1/src',
  '^@app/(analytics|auth|cache|chat|common|config|database|redis|health|llm|tasks)/(.*)$':
    '<rootDir>/libs/$1/src/$2',
};
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  setupFiles: ['reflect-metadata'],
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper,
};
module.exports = {
  // e2e files start real servers and processes; a per-project testTimeout is not honoured by Jest.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

#!/usr/bin/env node
// `npm test`: unit specs and e2e specs on SQLite, then the e2e specs again on
// PostgreSQL (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test),
// then the packed client package installed into an empty folder (from the npm
// registry) and used against a hub. Nothing is skipped: without PostgreSQL the
// second run fails, loudly; without the registry, the third.
const { spawnSync } = require('node:child_process');

const jest = require.resolve('jest/bin/jest');
const extra = process.argv.slice(2);
const runs = [
  // *.pg.e2e-spec.ts always use PostgreSQL (a shared store, a database to take down): run once, below.
  {
    name: 'unit + e2e on SQLite',
    args: ['--selectProjects', 'unit', 'e2e', '--testPathIgnorePatterns', '\\.pg\\.e2e-spec'],
    env: { TEST_DATABASE: 'sqlite' },
  },
  // *.sqlite.e2e-spec.ts test a rule of SQLite's own (one hub per file): run once, above.
  {
    name: 'e2e on PostgreSQL',
    args: ['--selectProjects', 'e2e', '--testPathIgnorePatterns', '\\.sqlite\\.e2e-spec'],
    env: { TEST_DATABASE: 'postgres' },
  },
  // test/install: npm pack + npm install of the client (better-sqlite3 may compile), then a sale from there.
  {
    name: 'packed client installs on its own',
    args: ['--selectProjects', 'install'],
    env: { TEST_DATABASE: 'sqlite' },
  },
];

// The crash and multi-instance tests run the compiled hub as real processes.
process.stdout.write('=== build ===\n');
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

let failed = false;
for (const run of runs) {
  process.stdout.write(`\n=== ${run.name} ===\n`);
  const result = spawnSync(process.execPath, [jest, ...run.args, ...extra], {
    stdio: 'inherit',
    env: { ...process.env, ...run.env },
  });
  if (result.status !== 0) {
    failed = true;
    process.stdout.write(`=== ${run.name}: FAILED ===\n`);
  }
}
process.exit(failed ? 1 : 0);

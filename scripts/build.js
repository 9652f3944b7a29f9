#!/usr/bin/env node
// `npm run build` (and so `npm start`): `tsc --build` of the hub, which builds the
// packages it references first (packages/*/dist), then tsc-alias (rewrites the
// hub's `@app/*` imports in dist/).
//
// `tsc --build` decides from its build info (dist/*.tsbuildinfo) alone: an output
// deleted since the last build (say dist/src/main.js) is not written again. So the
// outputs of every file the build compiles are checked first, and if one is missing
// the build is forced. When dist/ is complete and current nothing is written.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, relative } = require('node:path');
const ts = require('typescript');

const ROOT = join(__dirname, '..');
// The hub's build references the packages' builds (built first); all of them are checked for missing outputs.
const PROJECTS = [
  'packages/protocol/tsconfig.build.json',
  'packages/connector-kit/tsconfig.build.json',
  'packages/client/tsconfig.build.json',
  'tsconfig.build.json',
];

/** The first output of `project` that is not on disk, or null (also when the config cannot be read: tsc reports that). */
function missingOutput(project) {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, project), undefined, host);
  if (!parsed || parsed.errors.length > 0) return null;
  const ignoreCase = !ts.sys.useCaseSensitiveFileNames;
  for (const file of parsed.fileNames) {
    if (file.endsWith('.d.ts')) continue;
    const missing = ts.getOutputFileNames(parsed, file, ignoreCase).find((output) => !existsSync(output));
    if (missing) return missing;
  }
  return null;
}

function run(script, args) {
  const result = spawnSync(process.execPath, [require.resolve(script), ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const missing = PROJECTS.map(missingOutput).find((output) => output !== null);
if (missing) process.stdout.write(`${relative(ROOT, missing)} is missing: rebuilding everything\n`);
run('typescript/bin/tsc', ['--build', 'tsconfig.build.json', ...(missing ? ['--force'] : [])]);
run('tsc-alias/dist/bin/index.js', ['-p', 'tsconfig.build.json']);

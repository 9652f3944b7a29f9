import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * STYLE: Prettier and ESLint hold in the repository and in CI, so `npm test` runs both
 * (as child processes: ESLint loads its flat config with a dynamic import, which Jest's
 * module sandbox does not allow). Among ESLint's rules: only src/config reads the environment.
 */
const ROOT = join(__dirname, '..');
const ESLINT = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const PRETTIER = join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; severity: number; line: number; message: string }>;
}

function eslint(args: string[], input?: string): LintResult[] {
  const run = spawnSync(process.execPath, [ESLINT, '--format', 'json', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (!run.stdout) throw new Error(`eslint gave no answer: ${run.stderr}`);
  return JSON.parse(run.stdout) as LintResult[];
}

describe('lint and formatting', () => {
  jest.setTimeout(180_000);

  it('ESLint finds no errors', () => {
    const errors = eslint(['src', 'packages', 'test', 'bench', 'scripts']).flatMap((r) =>
      r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    expect(errors).toEqual([]);
  });

  it('only src/config reads process.env', () => {
    const probe = 'export const x = process.env.FOO;\n';
    const rules = (path: string) =>
      eslint(['--stdin', '--stdin-filename', path], probe).flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(rules('src/payments/probe.ts')).toContain('no-restricted-properties');
    expect(rules('src/config/probe.ts')).not.toContain('no-restricted-properties');
  });

  it('Prettier finds every file formatted', () => {
    const run = spawnSync(
      process.execPath,
      [PRETTIER, '--check', 'src/**/*.ts', 'test/**/*.ts', 'packages/*/src/**/*.ts'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(run.stderr.trim()).toBe('');
    expect(run.status).toBe(0);
  });
});

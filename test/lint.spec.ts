import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * STYLE: Prettier and ESLint hold in the repository and in CI, so `npm test` runs both
 * (as child processes: ESLint loads its flat config with a dynamic import, which Jest's
 * module sandbox does not allow). Among ESLint's rules: only src/config reads the environment, and
 * only storage code and repositories reach the database (docs/decisions.md, "One way to the database").
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

  describe('one way to the database (docs/decisions.md, "One way to the database")', () => {
    const messages = (path: string, probe: string) =>
      eslint(['--stdin', '--stdin-filename', path], probe).flatMap((r) =>
        r.messages.map((m) => ({ rule: m.ruleId, line: m.line, message: m.message })),
      );
    const imports = [
      "import { In } from 'typeorm';",
      "import type { EntityManager } from 'typeorm/entity-manager/EntityManager';",
      "import { execute } from '@app/persistence/sql-table';",
      "import { Database, managerOf } from '@app/persistence/database';",
      "import { insertRaw } from '../persistence/database';",
      'export const used = [In, execute, Database, managerOf, insertRaw] as unknown as EntityManager[];',
      '',
    ].join('\n');
    const calls = [
      "import { Database, type Tx } from '@app/persistence/database';",
      'declare const managerOf: (tx: Tx) => { createQueryBuilder(): unknown };',
      'export const built = (db: Database, tx: Tx) => [db, managerOf(tx).createQueryBuilder()];',
      '',
    ].join('\n');

    it("a service imports neither TypeORM, SqlTable/execute nor the unit of work's EntityManager", () => {
      const found = messages('src/qr-codes/qr-codes.service.ts', imports).filter(
        (m) => m.rule === 'no-restricted-imports',
      );
      expect(found.map((m) => m.line)).toEqual([1, 2, 3, 4, 5]);
      for (const m of found) expect(m.message).toContain('One way to the database');
    });

    it('a repository, an entity and storage code may import them', () => {
      for (const path of [
        'src/qr-codes/qr-codes.repository.ts',
        'src/qr-codes/qr-code.entity.ts',
        'src/persistence/probe.ts',
      ]) {
        expect(messages(path, imports).filter((m) => m.rule === 'no-restricted-imports')).toEqual([]);
      }
    });

    it('nobody outside src/persistence builds queries or calls managerOf, repositories included', () => {
      for (const path of ['src/qr-codes/qr-codes.service.ts', 'src/qr-codes/qr-codes.repository.ts']) {
        const found = messages(path, calls).filter((m) => m.rule === 'no-restricted-syntax');
        expect(found.map((m) => m.message).sort()).toEqual([
          expect.stringMatching(/^No EntityManager calls: .*One way to the database/),
          expect.stringMatching(/^No query builder: .*One way to the database/),
        ]);
      }
      expect(messages('src/persistence/probe.ts', calls).filter((m) => m.rule === 'no-restricted-syntax')).toEqual([]);
    });
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

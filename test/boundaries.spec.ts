import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/*
 * The import boundaries of .dependency-cruiser.cjs (packages never import the
 * hub; protocol ← connector-kit ← connectors; protocol ← client; connectors
 * reach the hub only through the kit, never the database, never each other;
 * the outbox imports neither payments nor advices; each top-level folder of
 * src/ imports only the folders below it in SRC_LAYERS, so no two folders
 * form a cycle), checked with dependency-cruiser on every `npm test`.
 */
const ROOT = join(__dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Cruise {
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
}

function cruise(cwd: string, extra: string[] = []): { status: number | null; result: Cruise } {
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, 'src', 'packages', '--config', CONFIG, '--output-type', 'json', ...extra],
    { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  if (!run.stdout) throw new Error(`dependency-cruiser gave no answer: ${run.stderr}`);
  return { status: run.status, result: JSON.parse(run.stdout) as Cruise };
}

describe('import boundaries (dependency-cruiser)', () => {
  jest.setTimeout(60_000);

  it('the repository keeps every boundary', () => {
    const { status, result } = cruise(ROOT, ['--ts-config', 'tsconfig.json']);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
    expect(status).toBe(0);
  });

  it('each rule catches the import it forbids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qr-hub-boundaries-'));
    try {
      const files: Record<string, string> = {
        'src/hub.ts': "import { u } from './unlisted/u';\nexport const hub = u;",
        'src/persistence/db.ts': 'export const db = 1;',
        'packages/protocol/src/p.ts':
          "import { hub } from '../../../src/hub';\nimport { c } from '../../client/src/c';\nexport const p = hub + c;",
        'packages/client/src/c.ts': "import { o } from '../../other/src/o';\nexport const c = o;",
        'packages/other/src/o.ts': 'export const o = 1;',
        'packages/connector-kit/src/k.ts': "import { c } from '../../client/src/c';\nexport const k = c;",
        'src/partners/connectors/c/c.ts': "import { hub } from '../../../hub';\nexport const c = hub;",
        'src/partners/connectors/a/a.ts':
          "import { db } from '../../../persistence/db';\nimport { b } from '../b/b';\nexport const a = db + b;",
        'src/partners/connectors/b/b.ts': 'export const b = 1;',
        'src/payments/pay.ts': 'export const pay = 1;',
        'src/advices/advise.ts': 'export const advise = 1;',
        'src/outbox/queue.ts':
          "import { pay } from '../payments/pay';\nimport { advise } from '../advices/advise';\nexport const q = pay + advise;",
        // A cycle between two folders: common is below config, so common's half is the one refused.
        'src/common/text.ts': "import { limit } from '../config/env';\nexport const text = limit;",
        'src/config/env.ts':
          "import { text } from '../common/text';\nexport const limit = 1;\nexport const env = text;",
        // A spec closes no cycle (nothing imports it): it may import any folder.
        'src/common/text.spec.ts': "import { env } from '../config/env';\nexport const seen = env;",
        'src/unlisted/u.ts': 'export const u = 1;',
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      const { result } = cruise(dir);
      expect(new Set(result.summary.violations.map((v) => v.rule.name))).toEqual(
        new Set([
          'packages-never-import-the-hub',
          'protocol-imports-no-other-package',
          'client-imports-only-protocol',
          'connector-kit-imports-only-protocol',
          'connectors-reach-the-hub-only-through-the-kit',
          'connectors-never-touch-persistence',
          'connectors-never-import-each-other',
          'outbox-imports-neither-payments-nor-advices',
          'src-folders-import-only-lower-layers',
          'src-folder-has-a-layer',
        ]),
      );
      const against = (rule: string): string[] =>
        result.summary.violations
          .filter((v) => v.rule.name === rule)
          .map((v) => `${v.from} → ${v.to}`)
          .sort();
      expect(against('src-folders-import-only-lower-layers')).toEqual([
        'src/common/text.ts → src/config/env.ts',
        'src/outbox/queue.ts → src/advices/advise.ts',
        'src/outbox/queue.ts → src/payments/pay.ts',
      ]);
      expect(against('src-folder-has-a-layer')).toEqual(['src/hub.ts → src/unlisted/u.ts']);
      const fromOutbox = result.summary.violations.filter(
        (v) => v.rule.name === 'outbox-imports-neither-payments-nor-advices',
      );
      expect(fromOutbox.map((v) => v.to).sort()).toEqual(['src/advices/advise.ts', 'src/payments/pay.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

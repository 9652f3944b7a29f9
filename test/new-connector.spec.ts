import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isConnectorDefinition, KIT_VERSION } from '@qr-hub/connector-kit';
import { ConnectorCatalog } from '@app/partners/connector-catalog';

/*
 * `npm run new:connector` (scripts/new-connector.js), proven the way an author uses it: in a
 * copy of this repository, generate `acme-wallet`, see its contract spec fail, write only the
 * two translation files (test/fixtures/acme-wallet/, the Acme dialect of the design review),
 * and the hub type-checks, the connector passes the kit's contract, and nothing else changed.
 * The package skeleton (`--package`) is checked the same way outside the hub, against this
 * repository's packages. tsc and jest run as child processes: under a minute in all.
 */
const ROOT = join(__dirname, '..');
const NODE_MODULES = realpathSync(join(ROOT, 'node_modules'));
const TSC = join(NODE_MODULES, 'typescript', 'bin', 'tsc');
const JEST = join(NODE_MODULES, 'jest', 'bin', 'jest.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'acme-wallet');
const TRANSLATIONS = ['acme-wallet.translation.ts', 'acme-wallet.partner-double.ts'];
const FOLDER = 'src/partners/connectors/acme-wallet';
const GENERATED = [
  'README.md',
  'acme-wallet.connector.ts',
  'acme-wallet.contract.spec.ts',
  'acme-wallet.partner-double.ts',
  'acme-wallet.translation.ts',
];
const REGISTRATION = "export { acmeWalletConnector } from './acme-wallet/acme-wallet.connector';";

jest.setTimeout(300_000);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cwd: string, command: string, args: string[]): Run {
  // This file's own jest worker variables would confuse the jests started here.
  const env = { ...process.env };
  delete env.JEST_WORKER_ID;
  const child = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const node = (cwd: string, script: string, ...args: string[]): Run => run(cwd, process.execPath, [script, ...args]);
const generate = (cwd: string, ...args: string[]): Run => node(cwd, join('scripts', 'new-connector.js'), ...args);
const git = (cwd: string, ...args: string[]): string => {
  const result = run(cwd, 'git', args);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};

/** What the hub's tree looks like to git: any file the generator wrote or changed shows here. */
const hubState = (): string => git(ROOT, 'status', '--porcelain', '--untracked-files=all');

/**
 * The repository as the working tree has it: tracked files plus new ones not yet committed
 * (this change itself, before its commit), with node_modules linked, committed in a new git
 * repository so `git status` shows exactly what the generator did.
 */
/* Whatever the machine's git config says: a commit needs a name, and must not ask for a key. */
const COMMITTER = ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false'];

function copyRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), 'qr-hub-new-connector-'));
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0');
  for (const file of files) {
    // node_modules is a symlink in a worktree, which git lists as an untracked file.
    if (file === '' || file === 'node_modules' || !existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(NODE_MODULES, join(copy, 'node_modules'), 'dir');
  git(copy, 'init', '-q');
  writeFileSync(join(copy, '.git', 'info', 'exclude'), 'node_modules\n');
  git(copy, 'add', '-A');
  git(copy, ...COMMITTER, 'commit', '-q', '--no-verify', '-m', 'base');
  return copy;
}

describe('npm run new:connector: refused names', () => {
  it.each([
    [
      ['Acme-Wallet'],
      /^new-connector: "Acme-Wallet" is not a connector name: use lower-case kebab case, e\.g\. acme-wallet$/,
    ],
    [['acme_wallet'], /^new-connector: "acme_wallet" is not a connector name/],
    [['acme--wallet'], /^new-connector: "acme--wallet" is not a connector name/],
    [['sandbox'], /^new-connector: src\/partners\/connectors\/sandbox\/ already exists$/],
    [['tls'], /^new-connector: "tls" would declare TlsOptions, which the connector imports; choose another name$/],
    [[], /^new-connector: give the connector's name, e\.g\. npm run new:connector -- acme-wallet$/],
    [['acme-wallet', '--packge', 'x'], /^new-connector: unknown option --packge/],
  ])('%j: exit 1, one line saying why, nothing written', (args, message) => {
    const before = hubState();
    const result = generate(ROOT, ...args);
    expect(result).toMatchObject({ status: 1, stdout: '' });
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(hubState()).toBe(before);
  });
});

describe('npm run new:connector -- acme-wallet --package <dir>', () => {
  let dir: string;
  let pkg: string;
  let hubBefore: string;
  let created: Run;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qr-hub-connector-package-'));
    pkg = join(dir, 'qr-connector-acme-wallet');
    hubBefore = hubState();
    created = generate(ROOT, 'acme-wallet', '--package', pkg);
    // Its dependencies (zod, jest, …) as the hub has them; the @qr-hub packages are mapped to this repository's sources below.
    if (existsSync(pkg)) symlinkSync(NODE_MODULES, join(pkg, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an npm package skeleton there, and nothing in the hub', () => {
    expect(created.status).toBe(0);
    expect(hubState()).toBe(hubBefore);
    const written = readdirSync(pkg, { recursive: true, encoding: 'utf8' }).filter(
      (f) => !f.startsWith('node_modules'),
    );
    expect(written.sort()).toEqual(
      [
        '.gitignore',
        '.prettierrc',
        'README.md',
        'jest.config.js',
        'package.json',
        'src',
        'src/index.ts',
        ...GENERATED.filter((f) => f !== 'README.md').map((f) => `src/${f}`),
        'tsconfig.build.json',
        'tsconfig.json',
      ].sort(),
    );
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    const version = (name: string) => JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'qr-connector-acme-wallet',
      main: 'dist/index.js',
      dependencies: {
        '@qr-hub/connector-kit': `^${version('connector-kit').version}`,
        '@qr-hub/protocol': `^${version('protocol').version}`,
      },
      peerDependencies: { zod: version('connector-kit').peerDependencies.zod },
    });
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    expect(readme).toContain('npm install <this folder>');
    expect(readme).toContain('connector: qr-connector-acme-wallet');
  });

  it('its export is what the hub loads by package name', () => {
    const exported = require(join(pkg, 'src', 'index.ts'));
    expect(isConnectorDefinition(exported.connector)).toBe(true);
    expect(exported.connector).toMatchObject({ type: 'qr-connector-acme-wallet', kitVersion: KIT_VERSION });
    const catalog = new ConnectorCatalog([], () => exported);
    expect(catalog.find('qr-connector-acme-wallet')).toEqual({ definition: exported.connector });
  });

  it("type-checks against this repository's packages; its spec fails, then passes with Acme's translations", () => {
    // Its @qr-hub dependencies are this repository's packages, from their sources.
    const packages = join(ROOT, 'packages');
    const paths = {
      '@qr-hub/connector-kit/testing': [join(packages, 'connector-kit', 'src', 'testing')],
      '@qr-hub/*': [join(packages, '*', 'src')],
    };
    const tsconfig = { extends: './tsconfig.json', compilerOptions: { baseUrl: '.', paths } };
    writeFileSync(join(pkg, 'tsconfig.check.json'), JSON.stringify(tsconfig));
    const mapper = { '^@qr-hub/([^/]+)$': `${packages}/$1/src`, '^@qr-hub/([^/]+)/(.+)$': `${packages}/$1/src/$2` };
    const jestConfig = `module.exports = { ...require('./jest.config.js'), moduleNameMapper: ${JSON.stringify(mapper)} };`;
    writeFileSync(join(pkg, 'jest.check.config.js'), jestConfig);
    const spec = () => node(pkg, JEST, '-c', 'jest.check.config.js', '-i', '--ci');

    const tsc = node(pkg, TSC, '-p', 'tsconfig.check.json');
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const failing = spec();
    expect(failing.status).not.toBe(0);
    expect(failing.stderr).toContain(
      'acme-wallet: the payment request (payRequest) is not written yet (see README.md)',
    );

    for (const file of TRANSLATIONS) copyFileSync(join(FIXTURES, file), join(pkg, 'src', file));
    const passing = spec();
    expect(passing.stderr).toMatch(/Tests: +17 passed, 17 total/);
    expect(passing.status).toBe(0);
  });
});

describe('npm run new:connector -- acme-wallet, in a copy of this repository', () => {
  let copy: string;
  let created: Run;

  beforeAll(() => {
    copy = copyRepository();
    created = generate(copy, 'acme-wallet');
  });
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it("creates the connector's folder and registers it with one line", () => {
    expect(created.status).toBe(0);
    expect(readdirSync(join(copy, FOLDER)).sort()).toEqual(GENERATED);
    const index = readFileSync(join(copy, 'src/partners/connectors/index.ts'), 'utf8');
    expect(index.trimEnd().split('\n').at(-1)).toBe(REGISTRATION);
    const readme = readFileSync(join(copy, FOLDER, 'README.md'), 'utf8');
    expect(readme).toMatch(/connector: acme-wallet\n\s+options:\n\s+baseUrl: https:/);
    expect(readme).toContain('TODO');
  });

  it("passes the hub's format and lint checks as generated", () => {
    const prettier = node(copy, join(NODE_MODULES, 'prettier', 'bin', 'prettier.cjs'), '--check', FOLDER);
    expect(prettier.stderr).toBe('');
    expect(prettier.status).toBe(0);
    const eslint = node(copy, join(NODE_MODULES, 'eslint', 'bin', 'eslint.js'), '--max-warnings', '0', FOLDER);
    expect(eslint.stdout).toBe('');
    expect(eslint.status).toBe(0);
  });

  it('its contract spec fails until the translations are written', () => {
    const result = node(copy, JEST, FOLDER, '--ci');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Tests: +\d+ failed/);
    expect(result.stderr).toContain('acme-wallet: the payment request (payRequest) is not written yet (see README.md)');
  });

  it('with only the two translation files written: the hub type-checks, the contract, coverage and boundaries pass', () => {
    for (const file of TRANSLATIONS) copyFileSync(join(FIXTURES, file), join(copy, FOLDER, file));
    const tsc = node(copy, TSC, '--noEmit', '-p', 'tsconfig.json');
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const specs = node(
      copy,
      JEST,
      FOLDER,
      'test/connector-coverage.spec.ts',
      'test/boundaries.spec.ts',
      '--ci',
      '--verbose',
    );
    expect(specs.stderr).toContain('PASS unit src/partners/connectors/acme-wallet/acme-wallet.contract.spec.ts');
    expect(specs.stderr).toContain('partner connector contract: acme-wallet');
    expect(specs.stderr).toMatch(/Test Suites: +3 passed, 3 total/);
    expect(specs.status).toBe(0);
  });

  it('changed nothing else: the new folder and one added line in connectors/index.ts', () => {
    const status = git(copy, 'status', '--porcelain', '--untracked-files=all').trimEnd().split('\n');
    expect(status.sort()).toEqual([
      ' M src/partners/connectors/index.ts',
      ...GENERATED.map((file) => `?? ${FOLDER}/${file}`),
    ]);
    expect(git(copy, 'diff', '--numstat')).toBe('1\t0\tsrc/partners/connectors/index.ts\n');
    const added = git(copy, 'diff', '-U0')
      .split('\n')
      .filter((line) => /^\+[^+]/.test(line));
    expect(added).toEqual([`+${REGISTRATION}`]);
  });

  it('refuses the same name again, changing nothing', () => {
    const again = generate(copy, 'acme-wallet');
    expect(again).toMatchObject({ status: 1, stdout: '' });
    expect(again.stderr).toBe('new-connector: src/partners/connectors/acme-wallet/ already exists\n');
    expect(git(copy, 'diff', '--numstat')).toBe('1\t0\tsrc/partners/connectors/index.ts\n');
  });
});

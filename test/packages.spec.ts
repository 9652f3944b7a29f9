import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/*
 * The packages other teams install stand on their own: a POS that installs
 * @qr-hub/client gets neither NestJS nor a database server's driver, and
 * neither package reaches into the hub's source.
 */
const ROOT = join(__dirname, '..');
const HUB_ONLY = /^(@nestjs\/|typeorm$|pg$)/;

interface PackedManifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

/** Runs `npm pack` in packages/<name> into `into`; the tarball's package.json and file list. */
function pack(name: string, into: string): { manifest: PackedManifest; files: string[] } {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', into], {
    cwd: join(ROOT, 'packages', name),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // prepack (the package's build) may print before the JSON.
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(into, info.filename);
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  return { manifest, files: info.files.map((file) => file.path) };
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

/** Every module specifier a file imports, exports from or requires. */
function specifiers(file: string): string[] {
  // Comments may show how a user imports the package; they import nothing.
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|^import\s+)'([^']+)'/gm)];
  return found.map((match) => match[1]);
}

describe('the installable packages', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qr-hub-pack-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['client', 'protocol', 'connector-kit'])(
    'npm pack of packages/%s gives a publishable package without NestJS, TypeORM or pg',
    (name) => {
      const { manifest, files } = pack(name, dir);
      expect(manifest.name).toBe(`@qr-hub/${name}`);
      expect(manifest.private).toBeUndefined();
      expect(Object.keys(manifest.dependencies ?? {}).filter((dep) => HUB_ONLY.test(dep))).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
    },
    120_000,
  );

  it('the packed client depends on the protocol package and carries the qr-pos command', () => {
    const { manifest, files } = pack('client', dir);
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(['@qr-hub/protocol', 'better-sqlite3', 'qrcode']);
    expect(manifest.bin).toEqual({ 'qr-pos': 'bin/qr-pos.js' });
    expect(files).toEqual(expect.arrayContaining(['bin/qr-pos.js', 'dist/cli/qr-pos.js']));
  }, 120_000);

  it('the packed connector kit depends on the protocol package, takes zod from the hub, and carries /testing', () => {
    const { manifest, files } = pack('connector-kit', dir);
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['@qr-hub/protocol']);
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(['zod']);
    expect(files).toEqual(expect.arrayContaining(['dist/testing/index.js', 'dist/testing/index.d.ts']));
  }, 120_000);

  it.each([
    ['protocol', []],
    ['client', ['@qr-hub/protocol']],
    ['connector-kit', ['@qr-hub/protocol']],
  ])('packages/%s imports nothing of the hub, only node, its dependencies and %j', (name, siblings) => {
    const pkgDir = join(ROOT, 'packages', name);
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as PackedManifest;
    const allowed = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...siblings,
    ]);
    const bad: string[] = [];
    for (const file of sources(join(pkgDir, 'src'))) {
      for (const spec of specifiers(file)) {
        const where = `${relative(ROOT, file)}: ${spec}`;
        if (spec.startsWith('.')) {
          // A relative import stays inside the package's own src/.
          if (relative(join(pkgDir, 'src'), resolve(dirname(file), spec)).startsWith('..')) bad.push(where);
        } else if (spec.startsWith('node:')) continue;
        else if (file.endsWith('.spec.ts') && spec === '@jest/globals') continue;
        else if (!allowed.has(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]))
          bad.push(where);
      }
    }
    expect(bad).toEqual([]);
  });
});

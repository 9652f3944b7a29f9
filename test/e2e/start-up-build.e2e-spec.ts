import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt } from '../utils/hub-process';

const ROOT = resolve(__dirname, '..', '..');
/* The hub's output and the packages' (built first, by project references). */
const DISTS = [
  join(ROOT, 'dist'),
  join(ROOT, 'packages', 'protocol', 'dist'),
  join(ROOT, 'packages', 'client', 'dist'),
];

/** Every file under `dir` with its modification time (ms). */
function filesIn(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const [file, mtime] of filesIn(path)) files.set(file, mtime);
    else files.set(path, statSync(path).mtimeMs);
  }
  return files;
}

/** Every file under the build outputs with its modification time (ms). */
function distFiles(): Map<string, number> {
  return new Map(DISTS.flatMap((dir) => [...filesIn(dir)]));
}

/** `npm start` runs `prestart` (the build) first. */
function prestart(cwd = ROOT): void {
  const run = spawnSync('npm', ['run', 'prestart'], { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run prestart failed:\n${run.stdout}${run.stderr}`);
}

describe('npm start when the build is current', () => {
  jest.setTimeout(180_000);

  it('writes nothing under dist/ or packages/*/dist: the build is skipped', () => {
    ensureBuilt();
    prestart(); // brings dist/ up to date with the sources, whatever they are
    const before = distFiles();
    prestart();
    const after = distFiles();
    const rewritten = [...after].filter(([file, mtime]) => before.get(file) !== mtime).map(([file]) => file);
    expect(rewritten).toEqual([]);
    expect(after.size).toBe(before.size);
  });
});

describe('npm start when a compiled file was deleted', () => {
  jest.setTimeout(300_000);
  let copy: string;

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  // In a copy of the project with its built dist/: the real dist/ stays whole for
  // the other e2e files, which start dist/src/main.js.
  it('builds it again', () => {
    ensureBuilt();
    prestart();
    copy = mkdtempSync(join(tmpdir(), 'qr-hub-build-'));
    for (const entry of [
      'package.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'packages',
      'src',
      'bench',
      'scripts',
      'test',
      'dist',
    ]) {
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true, preserveTimestamps: true });
    }
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(copy, 'node_modules'), 'dir');
    const main = join(copy, 'dist', 'src', 'main.js');
    rmSync(main);

    prestart(copy);

    expect(existsSync(main)).toBe(true);
    expect(readFileSync(main, 'utf8')).toBe(readFileSync(join(ROOT, 'dist', 'src', 'main.js'), 'utf8'));
  });
});

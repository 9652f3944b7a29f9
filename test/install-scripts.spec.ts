import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface PackageJson {
  allowScripts?: Record<string, boolean>;
  engines?: Record<string, string>;
}
interface LockFile {
  lockfileVersion: number;
  packages: Record<string, { hasInstallScript?: boolean }>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;
}

/** `node_modules/a/node_modules/@b/c` → `@b/c`. */
function packageName(lockPath: string): string {
  return lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

describe('npm ci', () => {
  const pkg = readJson<PackageJson>('package.json');
  const lock = readJson<LockFile>('package-lock.json');

  it('has a decision in allowScripts for every dependency with an install script (no warning from npm 11)', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
      .map(([path]) => packageName(path));
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean');
    expect(undecided).toEqual([]);
  });

  it('refuses the telemetry script of @scarf/scarf', () => {
    expect(pkg.allowScripts?.['@scarf/scarf']).toBe(false);
  });

  it('asks for an npm that reads the lock file (version 3: npm 7 and later; Node 20 ships npm 10)', () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(pkg.engines?.npm).toBe('>=10');
  });
});

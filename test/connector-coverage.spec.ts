import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTORS } from '@app/partners/built-in-connectors';

/*
 * Every connector type the hub registers runs the connector kit's contract suite:
 * a connector added with its registration line but no `connectorContract('<type>', …)`
 * run fails here.
 */
const ROOT = join(__dirname, '..');

/** The `partners[].connector` names of the registered connector definitions. */
function registeredTypes(): string[] {
  return CONNECTORS.map((definition) => definition.type);
}

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return specFiles(path);
    return /\.spec\.ts$/.test(name) ? [path] : [];
  });
}

/** The types no spec runs the contract for. */
function uncovered(types: string[], specs: string[]): string[] {
  const run = new Set(
    specs.flatMap((text) => [...text.matchAll(/connectorContract\(\s*['"`]([^'"`]+)['"`]/g)].map((m) => m[1])),
  );
  return types.filter((type) => !run.has(type));
}

describe('every registered connector type runs the contract suite', () => {
  it('finds the registered types', () => {
    // The two shipped ones at least: the list is the one the registry reads.
    expect(registeredTypes()).toEqual(expect.arrayContaining(['electrum-http', 'sandbox']));
  });

  it('each of them has a connectorContract run in a spec', () => {
    const specs = ['src', 'test', 'packages']
      .flatMap((dir) => specFiles(join(ROOT, dir)))
      .map((f) => readFileSync(f, 'utf8'));
    expect(uncovered(registeredTypes(), specs)).toEqual([]);
  });

  it('a type without a run is reported', () => {
    expect(uncovered(['sandbox', 'acme-wallet'], ["connectorContract('sandbox', setup);"])).toEqual(['acme-wallet']);
  });
});

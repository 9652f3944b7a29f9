import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTOR_MODULES } from '@app/partners/connectors';
import { PartnerConnectorType } from '@app/partners/partner-connector.decorator';

/*
 * Every connector type the hub registers runs the shared contract suite
 * (test/connector-contract.ts): a connector added with its registration line
 * but no `connectorContract('<type>', …)` run fails here.
 */
const ROOT = join(__dirname, '..');

/** The `partners[].connector` names of the registered connector modules' factories. */
function registeredTypes(): string[] {
  return CONNECTOR_MODULES.flatMap((module) => {
    const providers = (Reflect.getMetadata('providers', module) ?? []) as unknown[];
    return providers
      .map((provider) =>
        typeof provider === 'function' ? Reflect.getMetadata(PartnerConnectorType.KEY, provider) : undefined,
      )
      .filter((type): type is string => typeof type === 'string');
  });
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
    // The two shipped ones at least: the metadata is read the way the registry reads it.
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

import { isConnectorDefinition, KIT_VERSION, majorOf, type ConnectorDefinition } from '@qr-hub/connector-kit';
import { CONNECTORS } from './built-in-connectors';

/** A connector type found for a name in config, or why none was. */
export type CatalogEntry = { definition: ConnectorDefinition } | { problem: string };

/* npm's package-name rule (lower case, optional scope): anything else is not looked for on disk. */
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/**
 * Where the partner registry finds connector types (docs/adding-a-connector.md): the ones
 * built into the hub, then an installed npm package of the name config gives (e.g.
 * `@acme/qr-connector-zapper`), whose main export is a `defineConnector(…)` definition
 * (as `connector` or `default`). A package built against another major version of the
 * connector kit is refused: its interface is not the one this hub calls.
 *
 * A class so tests can provide their own (STYLE: DI tokens are classes).
 */
export class ConnectorCatalog {
  private readonly builtIn: ReadonlyMap<string, ConnectorDefinition>;

  constructor(
    builtIn: readonly ConnectorDefinition[] = CONNECTORS,
    /** Loads a package by name; `require` from the hub's own folder by default. */
    private readonly load: (name: string) => unknown = require,
  ) {
    this.builtIn = new Map(builtIn.map((d) => [d.type, d]));
  }

  /** The built-in types' names. */
  names(): string[] {
    return [...this.builtIn.keys()];
  }

  find(name: string): CatalogEntry {
    const builtIn = this.builtIn.get(name);
    if (builtIn) return { definition: builtIn };
    const known = `built in: ${this.names().join(', ')}`;
    if (!PACKAGE_NAME.test(name)) return { problem: `unknown connector "${name}" (${known}; or an npm package name)` };
    let loaded: unknown;
    try {
      loaded = this.load(name);
    } catch (err) {
      const error = err as NodeJS.ErrnoException;
      if (error.code === 'MODULE_NOT_FOUND' && error.message.includes(`'${name}'`)) {
        return {
          problem: `unknown connector "${name}": not built in (${this.names().join(', ')}) and no package of that name is installed (npm install ${name})`,
        };
      }
      return { problem: `connector package "${name}" failed to load: ${error.message.split('\n')[0]}` };
    }
    const exported = loaded as { connector?: unknown; default?: unknown } | null;
    const definition = [exported?.connector, exported?.default, exported].find(isConnectorDefinition);
    if (!definition) {
      return {
        problem: `connector package "${name}" exports no connector (expected \`export const connector = defineConnector({…})\` from @qr-hub/connector-kit)`,
      };
    }
    if (majorOf(definition.kitVersion) !== majorOf(KIT_VERSION)) {
      return {
        problem: `connector package "${name}" is built for connector kit ${definition.kitVersion}; this hub has ${KIT_VERSION} (the major versions must match: rebuild it against @qr-hub/connector-kit ${majorOf(KIT_VERSION)}.x)`,
      };
    }
    return { definition };
  }
}

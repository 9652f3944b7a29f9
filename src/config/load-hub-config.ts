import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Document, LineCounter, parseDocument } from 'yaml';
import { createHubConfigSchema, HubConfig } from '@app/config/hub-config.schema';

export type { HubConfig, InstitutionConfig, PartnerConfig, Secret } from '@app/config/hub-config.schema';

/**
 * A configuration the hub refuses to start with. The message is a title line
 * (`Invalid hub config <path>:`, `Invalid environment:`, …) followed by one
 * line per problem, `  - <key path>: <problem>`, ready to print as is.
 */
export class ConfigError extends Error {
  constructor(
    title: string,
    /** One entry per problem, each `<key path>: <problem>`. */
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${title}:\n${problems.map((p) => `  - ${p}`).join('\n')}` : title);
    this.name = 'ConfigError';
  }
}

/** Renders a zod/YAML path as `institutions[0].password.env`. */
export function formatIssuePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

/**
 * Reads and validates the hub config file (docs/protocol.md §9). Relative paths are taken
 * from the working directory; `env` supplies the `{ env: NAME }` secrets.
 * Throws {@link ConfigError} naming every bad key.
 */
export function loadHubConfig(path: string, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const sourcePath = resolve(path);
  let yamlText: string;
  try {
    yamlText = readFileSync(sourcePath, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(`Invalid hub config ${sourcePath}`, [
      `cannot read the file (${reason}); HUB_CONFIG names it`,
    ]);
  }
  return parseHubConfig(yamlText, { sourcePath, env });
}

/**
 * Validates config text as if read from `sourcePath` (which anchors relative
 * `caFile` paths and names the file in errors). Throws {@link ConfigError}.
 */
export function parseHubConfig(yamlText: string, opts: { sourcePath: string; env?: NodeJS.ProcessEnv }): HubConfig {
  const { sourcePath, env = process.env } = opts;
  const fail = (problems: string[]) => new ConfigError(`Invalid hub config ${sourcePath}`, problems);

  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a repeated key an error rather than "last one wins".
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw fail(
      doc.errors.map((e) => {
        // prettyErrors computes linePos; its own "at line…" suffix and code excerpt are dropped for one-line output.
        const at = e.linePos?.[0];
        const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `${at ? `line ${at.line}, column ${at.col}` : '(YAML)'}: ${what} (YAML syntax error)`;
      }),
    );
  }
  let raw: unknown;
  try {
    // A small alias budget stops a "billion laughs" file from exhausting memory.
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw fail([`(top level): ${(err as Error).message}`]);
  }
  if (raw === null || raw === undefined) throw fail(['(top level): the file is empty']);

  const baseDir = dirname(resolve(sourcePath));
  const parsed = createHubConfigSchema({ env }).safeParse(raw);
  if (!parsed.success) {
    throw fail(
      parsed.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}${lineOf(doc, lineCounter, i.path)}`),
    );
  }
  return {
    ...parsed.data,
    sourcePath,
    // Connectors' options are validated later, by each connector's schema, with these.
    optionSources: {
      env,
      readFile: (file) => readFileSync(isAbsolute(file) ? file : resolve(baseDir, file), 'utf8'),
      production: env.NODE_ENV === 'production',
    },
    lineOf: (path) => lineOf(doc, lineCounter, path),
  };
}

/*
 * Points at the line of the offending key, or of the nearest enclosing entry
 * when the key is missing, so operators can find it in a long file.
 */
function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[]): string {
  for (let n = path.length; n > 0; n--) {
    const node: unknown = doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return ` (line ${lines.linePos(range[0]).line})`;
  }
  return '';
}

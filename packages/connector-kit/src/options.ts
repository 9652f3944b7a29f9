import { z } from 'zod';

/**
 * Where the helpers read secrets and files from. The hub builds it from its own
 * environment and the config file's folder: a connector never reads `process.env`.
 */
export interface OptionSources {
  /** The environment `{ env: NAME }` reads. */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads a file named in config; relative paths are taken from the config file's folder. */
  readFile(path: string): string;
  /** True when the hub runs with NODE_ENV=production. */
  production: boolean;
}

/** TLS settings of an HTTPS partner, resolved: PEM text, not file names. */
export interface TlsOptions {
  /** PEM CA(s) trusted for the partner's certificate instead of the system store. */
  ca?: string;
  /** Client certificate and key for mutual TLS. */
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

/** The building blocks of a connector's options schema (`ConnectorDefinition.options`). */
export interface OptionHelpers {
  /**
   * A secret: `{ env: NAME }` (read from the environment) or `{ file: PATH }` (read from a
   * file, e.g. a mounted secret; one trailing newline dropped). Plaintext is refused, so a
   * config file never holds a credential. Resolves to the secret's text.
   */
  secret(): z.ZodType<string, z.ZodTypeDef, unknown>;
  /** A file name whose content must be PEM (`what`: e.g. "certificate"); resolves to the text. */
  pemFile(what: string): z.ZodType<string, z.ZodTypeDef, unknown>;
  /**
   * `{ caFile?, certFile?, keyFile?, rejectUnauthorized? }` for an HTTPS partner, resolved to
   * PEM text. `rejectUnauthorized: false` is refused in production.
   */
  tls(): z.ZodType<TlsOptions, z.ZodTypeDef, unknown>;
  /** An object with exactly these keys: an unknown key is reported with "did you mean". */
  object: typeof strictObject;
  /** True when the hub runs with NODE_ENV=production (for rules only production enforces). */
  production: boolean;
}

/**
 * An object schema that refuses unknown keys, naming the nearest known one: in a payments
 * config a typo silently ignored would run a partner on a default the operator thinks
 * they changed. Unknown keys are reported together with every other problem of the object.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T, typeMessage = 'must be a mapping (key: value)') {
  const known = Object.keys(shape);
  return z.preprocess(
    (value, ctx) => {
      if (isRecord(value)) {
        for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: unknownKeyMessage(key, known) });
        }
      }
      return value;
    },
    z.object(shape, { invalid_type_error: typeMessage }),
  );
}

/** `unknown key; did you mean 'x'?` when a known key is close, else the list of known keys. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
  return near ? `unknown key; did you mean '${near}'?` : `unknown key; allowed keys: ${known.join(', ') || 'none'}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/* An environment variable's name as shells accept it. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_SHAPE = 'must be { env: NAME } or { file: PATH }; plaintext secrets are refused in the config file';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function problem(ctx: z.RefinementCtx, message: string, path: (string | number)[] = []): typeof z.NEVER {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message, path });
  return z.NEVER;
}

/** The helpers, reading from `sources`. */
export function optionHelpers(sources: OptionSources): OptionHelpers {
  const read = (path: string, ctx: z.RefinementCtx, at: (string | number)[]): string | undefined => {
    try {
      return sources.readFile(path);
    } catch (err) {
      problem(ctx, `cannot be read: ${(err as Error).message}`, at);
      return undefined;
    }
  };

  const secret = () =>
    z.unknown().transform((value, ctx): string => {
      if (!isRecord(value)) return problem(ctx, SECRET_SHAPE);
      const keys = Object.keys(value);
      if (keys.length !== 1 || !['env', 'file'].includes(keys[0])) return problem(ctx, SECRET_SHAPE);
      const source = value[keys[0]];
      if (typeof source !== 'string' || source.trim() === '') return problem(ctx, 'must be a non-empty string', keys);
      if (keys[0] === 'env') {
        if (!ENV_NAME.test(source)) return problem(ctx, `'${source}' is not an environment variable name`, keys);
        const text = sources.env[source];
        if (text === undefined || text === '') return problem(ctx, `environment variable ${source} is not set`, keys);
        return text;
      }
      const text = read(source, ctx, keys);
      if (text === undefined) return z.NEVER;
      const trimmed = text.replace(/\r?\n$/, '');
      return trimmed === '' ? problem(ctx, `file ${source} is empty`, keys) : trimmed;
    });

  const pemFile = (what: string) =>
    z.unknown().transform((value, ctx): string => {
      if (typeof value !== 'string' || value.trim() === '') return problem(ctx, 'must be a file name');
      const text = read(value, ctx, []);
      if (text === undefined) return z.NEVER;
      return text.includes('-----BEGIN') ? text : problem(ctx, `does not contain a PEM ${what}`);
    });

  const tls = () =>
    strictObject({
      caFile: pemFile('certificate').optional(),
      certFile: pemFile('certificate').optional(),
      keyFile: pemFile('private key').optional(),
      rejectUnauthorized: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
    })
      .superRefine((t, ctx) => {
        if ((t.certFile === undefined) !== (t.keyFile === undefined)) {
          problem(ctx, 'certFile and keyFile go together (mutual TLS)', [
            t.certFile === undefined ? 'certFile' : 'keyFile',
          ]);
        }
        if (t.rejectUnauthorized === false && sources.production) {
          problem(ctx, 'must not be false in production; give caFile instead', ['rejectUnauthorized']);
        }
      })
      .transform((t): TlsOptions => ({
        ...(t.caFile !== undefined && { ca: t.caFile }),
        ...(t.certFile !== undefined && { cert: t.certFile }),
        ...(t.keyFile !== undefined && { key: t.keyFile }),
        rejectUnauthorized: t.rejectUnauthorized ?? true,
      }));

  return { secret, pemFile, tls, object: strictObject, production: sources.production };
}

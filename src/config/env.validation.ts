import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError, formatIssuePath } from '@app/config/load-hub-config';
import { defaultMaxConnections, defaultMaxConnectionsPerAddress } from '@app/common/http/connection-limits';
import { readOpenFilesLimit } from '@app/runtime/open-files-limit';

/** Log levels the logger understands; `silent` turns logging off (tests). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The modes NODE_ENV may name. Anything else (`prod`, `staging`) refuses to
 * start: a typo must not silently run development mode, with its demo
 * passwords and self-signed certificate. `test` is what Jest sets.
 */
export const NODE_ENVS = ['development', 'production', 'test'] as const;

/** Who may call the operations endpoints (`/health/*`, `/metrics`, `/docs*`; docs/protocol.md §11). */
export const OPS_AUTH_MODES = ['open', 'operator'] as const;

/** How the store is driven, beside where it is (DATABASE_URL). */
export interface DatabaseTuning {
  /** PostgreSQL pool size per hub process. */
  poolSize: number;
  /** SQLite's `synchronous`: NORMAL survives a process crash, FULL a power loss too. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
}

/** Used where no environment was read (tests building a data source directly). */
export const DEFAULT_DATABASE_TUNING: DatabaseTuning = { poolSize: 10, sqliteSynchronous: 'NORMAL' };

/** Typed view of the environment variables the hub reads (see `.env.example`). */
export interface EnvConfig {
  /** NODE_ENV, default `development`. */
  nodeEnv: (typeof NODE_ENVS)[number];
  /** NODE_ENV === 'production': turns on the refusals of `assertProductionReady` (docs/protocol.md §3). */
  production: boolean;
  /** PORT, default 8443; 0 lets the OS pick a free port (tests). */
  port: number;
  /** HOST, default `0.0.0.0`. */
  host: string;
  /** DATABASE_URL, default `sqlite:data/hub.sqlite`; see {@link parseDatabaseUrl}. */
  databaseUrl: string;
  /** DATABASE_POOL_SIZE (PostgreSQL connections, default 10) and SQLITE_SYNCHRONOUS (NORMAL or FULL, default NORMAL). */
  database: DatabaseTuning;
  /** HUB_CONFIG, default `config/hub.yaml` (docs/protocol.md §9). */
  hubConfigPath: string;
  /** DATA_DIR, default `data`; the self-signed development certificate lives here. */
  dataDir: string;
  /** TLS_DISABLED, TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE, TLS_REQUIRE_CLIENT_CERT (docs/protocol.md §3). */
  tls: {
    disabled: boolean;
    certFile?: string;
    keyFile?: string;
    caFile?: string;
    requireClientCert: boolean;
  };
  /** BODY_LIMIT_BYTES, default 65536 (docs/protocol.md §2: larger bodies get 413). */
  bodyLimitBytes: number;
  /**
   * MAX_CONNECTIONS: open client connections beyond it are dropped at once. Default 4096, or
   * fewer when the open-files limit is low (see `defaultMaxConnections`).
   */
  maxConnections: number;
  /** The open-files limit MAX_CONNECTIONS was derived from; absent when it was set or the limit is unknown. */
  openFilesLimit?: number;
  /**
   * MAX_CONNECTIONS_PER_ADDRESS: open connections from one client address; 0 = no cap. Default
   * half of MAX_CONNECTIONS, at most 256; none with TLS_DISABLED (all connections come from the proxy).
   */
  maxConnectionsPerAddress: number;
  /** LOG_LEVEL, default `info`. */
  logLevel: (typeof LOG_LEVELS)[number];
  /** INSTANCE_ID: optional name of this hub instance (heartbeats, logs; docs/protocol.md §10). */
  instanceId?: string;
  /**
   * OPS_AUTH: `operator` puts health, metrics and the API docs behind an
   * operator credential; `open` needs none. Default: open outside production,
   * operator in production (docs/protocol.md §11).
   */
  opsAuth: (typeof OPS_AUTH_MODES)[number];
  /**
   * TRUST_PROXY: the proxies whose `X-Forwarded-For` gives a client's address
   * (login throttling per address, docs/protocol.md §3), for express's `trust proxy`.
   * Default: loopback and private addresses with TLS_DISABLED (a
   * TLS-terminating proxy in front), none otherwise. `none` trusts none.
   */
  trustProxy: string[] | false;
  /** Whether TRUST_PROXY was set; production with TLS_DISABLED refuses the default (docs/protocol.md §3). */
  trustProxyGiven: boolean;
}

/** Storage selected by DATABASE_URL (docs/protocol.md §9). */
export type DatabaseTarget = { type: 'sqlite'; file: string } | { type: 'postgres'; url: string };

/**
 * Splits DATABASE_URL into a storage target: `sqlite:<path>` (relative,
 * absolute or `:memory:`) or a `postgres://` / `postgresql://` URL.
 * Throws an Error saying what is accepted otherwise.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file.trim() === '') throw new Error('sqlite: needs a file path, e.g. sqlite:data/hub.sqlite');
    return { type: 'sqlite', file };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    try {
      new URL(url);
    } catch {
      throw new Error('is not a valid PostgreSQL URL');
    }
    return { type: 'postgres', url };
  }
  throw new Error("must start with 'sqlite:', 'postgres://' or 'postgresql://'");
}

/*
 * Every variable arrives as a string or not at all. An empty value (`PORT=` in
 * a .env file or a compose template with an unset substitution) is treated as
 * unset, so it takes the default rather than failing on "".
 */
const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().optional(),
);

function withDefault(value: string) {
  return optionalText.transform((v) => v ?? value);
}

/* Only the two spellings the docs give: a typo like `ture` must not mean false. */
const flag = optionalText.pipe(
  z
    .enum(['true', 'false'], { errorMap: () => ({ message: "must be 'true' or 'false'" }) })
    .optional()
    .transform((v) => v === 'true'),
);

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().min(min, message).max(max, message));
}

function integer(fallback: number, min: number, max: number) {
  return optionalText.pipe(
    wholeNumber(min, max)
      .optional()
      .transform((v) => v ?? fallback),
  );
}

const databaseUrl = withDefault('sqlite:data/hub.sqlite').superRefine((url, ctx) => {
  try {
    parseDatabaseUrl(url);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
  }
});

/** Keys are the variable names, so zod's issue paths name the bad variable. */
const envSchema = z
  .object({
    NODE_ENV: optionalText.pipe(
      z
        .enum(NODE_ENVS, { errorMap: () => ({ message: `must be one of ${NODE_ENVS.join(', ')}` }) })
        .default('development'),
    ),
    PORT: integer(8443, 0, 65535),
    HOST: withDefault('0.0.0.0'),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: integer(DEFAULT_DATABASE_TUNING.poolSize, 1, 1_000),
    SQLITE_SYNCHRONOUS: optionalText
      .transform((value) => value?.toUpperCase())
      .pipe(z.enum(['NORMAL', 'FULL'], { errorMap: () => ({ message: 'must be NORMAL or FULL' }) }).default('NORMAL')),
    HUB_CONFIG: withDefault('config/hub.yaml'),
    DATA_DIR: withDefault('data'),
    TLS_DISABLED: flag,
    TLS_CERT_FILE: optionalText,
    TLS_KEY_FILE: optionalText,
    TLS_CA_FILE: optionalText,
    TLS_REQUIRE_CLIENT_CERT: flag,
    BODY_LIMIT_BYTES: integer(65536, 1, 100 * 1024 * 1024),
    MAX_CONNECTIONS: optionalText.pipe(wholeNumber(1, 1_000_000).optional()),
    MAX_CONNECTIONS_PER_ADDRESS: optionalText.pipe(wholeNumber(0, 1_000_000).optional()),
    LOG_LEVEL: optionalText.pipe(
      z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) }).default('info'),
    ),
    INSTANCE_ID: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes, underscores or colons')
        .optional(),
    ),
    OPS_AUTH: optionalText.pipe(
      z
        .enum(OPS_AUTH_MODES, { errorMap: () => ({ message: `must be one of ${OPS_AUTH_MODES.join(', ')}` }) })
        .optional(),
    ),
    TRUST_PROXY: optionalText.pipe(
      z
        .string()
        .transform((text) => text.split(',').map((item) => item.trim()))
        .refine(
          (items) => (items.length === 1 && items[0] === 'none') || items.every(isProxyAddress),
          'must be none, or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses and CIDR ranges',
        )
        .optional(),
    ),
  })
  .superRefine((e, ctx) => {
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
    // A certificate without its key (or the reverse) cannot serve TLS; failing
    // here beats silently falling back to a self-signed certificate.
    if (!e.TLS_DISABLED && (e.TLS_CERT_FILE === undefined) !== (e.TLS_KEY_FILE === undefined)) {
      const [missing, given] = e.TLS_CERT_FILE ? ['TLS_KEY_FILE', 'TLS_CERT_FILE'] : ['TLS_CERT_FILE', 'TLS_KEY_FILE'];
      problem(missing, `must be set when ${given} is (certificate and key go together)`);
    }
    if (e.TLS_REQUIRE_CLIENT_CERT && !e.TLS_CA_FILE) {
      problem('TLS_REQUIRE_CLIENT_CERT', 'needs TLS_CA_FILE (the CA that signs client certificates)');
    }
    // Asking for mutual TLS while turning TLS off is contradictory; refusing
    // keeps an operator from believing clients are being authenticated.
    if (e.TLS_REQUIRE_CLIENT_CERT && e.TLS_DISABLED) {
      problem('TLS_REQUIRE_CLIENT_CERT', 'cannot be true when TLS_DISABLED=true');
    }
  });

/**
 * Reads and validates the hub's environment variables. Throws a
 * {@link ConfigError} listing every bad variable (`  - PORT: must be …`), so a
 * bad setting stops start-up before anything listens.
 */
export function loadEnv(
  env: NodeJS.ProcessEnv = process.env,
  openFilesLimit: () => number | undefined = readOpenFilesLimit,
): EnvConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    throw new ConfigError('Invalid environment', problems);
  }
  const e = parsed.data;
  const filesLimit = e.MAX_CONNECTIONS === undefined ? openFilesLimit() : undefined;
  const maxConnections = e.MAX_CONNECTIONS ?? defaultMaxConnections(filesLimit);
  return {
    nodeEnv: e.NODE_ENV,
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    database: { poolSize: e.DATABASE_POOL_SIZE, sqliteSynchronous: e.SQLITE_SYNCHRONOUS },
    hubConfigPath: e.HUB_CONFIG,
    dataDir: e.DATA_DIR,
    tls: {
      disabled: e.TLS_DISABLED,
      certFile: e.TLS_CERT_FILE,
      keyFile: e.TLS_KEY_FILE,
      caFile: e.TLS_CA_FILE,
      requireClientCert: e.TLS_REQUIRE_CLIENT_CERT,
    },
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    maxConnections,
    ...(filesLimit !== undefined && { openFilesLimit: filesLimit }),
    maxConnectionsPerAddress:
      e.MAX_CONNECTIONS_PER_ADDRESS ?? defaultMaxConnectionsPerAddress(maxConnections, e.TLS_DISABLED),
    logLevel: e.LOG_LEVEL,
    ...(e.INSTANCE_ID !== undefined && { instanceId: e.INSTANCE_ID }),
    // Metrics and readiness tell an outsider a lot about traffic; production closes them by default.
    opsAuth: e.OPS_AUTH ?? (e.NODE_ENV === 'production' ? 'operator' : 'open'),
    trustProxy: trustedProxies(e.TRUST_PROXY, e.TLS_DISABLED),
    trustProxyGiven: e.TRUST_PROXY !== undefined,
  };
}

const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `loopback`, an IP address, or `address/prefix` with a prefix the address family allows. */
function isProxyAddress(item: string): boolean {
  if (PROXY_PRESETS.has(item)) return true;
  const [address, prefix, extra] = item.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

function trustedProxies(given: string[] | undefined, tlsDisabled: boolean): string[] | false {
  if (given) return given.length === 1 && given[0] === 'none' ? false : given;
  return tlsDisabled ? ['loopback', 'linklocal', 'uniquelocal'] : false;
}

import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Pool } from 'undici';
import { TestHubConfigOptions } from '../../test/factories/hub-config.factory';
import { HubProcess, startHubProcess } from '../../test/utils/hub-process';
import { createTestDatabase, TestDatabase } from '../../test/utils/test-database';
import { testTls } from '../../test/utils/test-tls';
import { repoRoot } from './paths';

export type DbKind = 'sqlite' | 'postgres';

/** Makes the shared test certificate (test/utils/global-setup.js) if it is missing. */
export async function prepareTls(): Promise<void> {
  const setup = require(join(repoRoot(), 'test', 'utils', 'global-setup.js')) as () => Promise<void>;
  await setup();
}

/**
 * test/utils/hub-process.ts starts `<its root>/dist/src/main.js`, its root being
 * two folders above it. Compiled into dist-bench/test/utils/ that root is
 * dist-bench/, so dist-bench/dist is linked to the real dist/ (built by
 * `npm run build`).
 */
export function linkHubBuild(): void {
  const compiledRoot = resolve(dirname(require.resolve('../../test/utils/hub-process')), '..', '..');
  const root = repoRoot();
  if (compiledRoot === root) return;
  const link = join(compiledRoot, 'dist');
  let present = false;
  try {
    present = lstatSync(link) !== undefined;
  } catch {
    present = false;
  }
  if (!present) symlinkSync(join(root, 'dist'), link, 'dir');
  if (!existsSync(join(link, 'src', 'main.js'))) throw new Error('dist/src/main.js missing: run `npm run build` first');
}

/** Clean-ups to run if the benchmark is interrupted (Ctrl-C, SIGTERM): child processes, databases. */
const cleanups = new Set<() => Promise<void>>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping hub processes and dropping their databases…\n`);
    void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
  });
}

/** True once an interrupt is being handled: the clean-up, not the failing benchmark, ends the process. */
export const isInterrupted = (): boolean => interrupted;

/** Registers `cleanup` for an interrupt; call the returned function once it is no longer needed. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

export interface BenchHub {
  hub: HubProcess;
  db: TestDatabase;
  pid: number;
  /** `https://127.0.0.1:<port>` (the test certificate names 127.0.0.1). */
  origin: string;
  stop(): Promise<void>;
}

/** A real hub process (`node dist/src/main.js`) on a fresh SQLite file or PostgreSQL schema. */
export async function startBenchHub(
  kind: DbKind,
  config: TestHubConfigOptions,
  env: NodeJS.ProcessEnv = {},
  /** Another checkout's build (`<root>/dist/src/main.js`) instead of this one's: before/after in one run. */
  main?: string,
) {
  linkHubBuild();
  const db = await createTestDatabase(kind);
  // The load generator is one address and one retailer standing in for many: no per-address
  // connection cap, and room for the held-payments benchmark's 10,000 waiting payments.
  const hub = await startHubProcess(
    db.url,
    { heldPaymentsPerRetailer: 1_000_000, ...config },
    undefined,
    {
      LOG_LEVEL: 'error',
      MAX_CONNECTIONS: '20000',
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      ...env,
    },
    main,
  );
  const pid = hub.child.pid ?? 0;
  const forget = onInterrupt(async () => {
    await hub.kill('SIGKILL');
    await db.drop();
  });
  const stop = async (): Promise<void> => {
    forget();
    // SIGTERM: a graceful exit, so `--cpu-prof` (via NODE_OPTIONS) gets written.
    const killer = setTimeout(() => hub.child.kill('SIGKILL'), 35_000);
    await hub.kill('SIGTERM');
    clearTimeout(killer);
    await db.drop();
  };
  const bench: BenchHub = { hub, db, pid, origin: `https://127.0.0.1:${hub.port}`, stop };
  return bench;
}

export interface Credentials {
  id: string;
  password: string;
}

/** One answer with its timing: `start`/`end` on the monotonic clock (ms), `endEpoch` = Date.now() at the end. */
export interface Answer {
  status: number;
  body: Record<string, unknown> | null;
  start: number;
  end: number;
  endEpoch: number;
}

/** A keep-alive HTTPS client for one hub that trusts the test CA (undici Pool). */
export class HubClient {
  private readonly pool: Pool;
  private readonly auth = new Map<string, string>();

  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
      connect: { ca: testTls().cert, timeout: 30_000 },
    });
  }

  async post(path: string, body: unknown, who: Credentials): Promise<Answer> {
    let authorization = this.auth.get(who.id);
    if (!authorization) {
      authorization = `Basic ${Buffer.from(`${who.id}:${who.password}`).toString('base64')}`;
      this.auth.set(who.id, authorization);
    }
    const start = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({
        method: 'POST',
        path,
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      throw new Error(`POST ${path}: ${(error as Error).message}`, { cause: error });
    }
    const end = performance.now();
    const endEpoch = Date.now();
    let parsed: Record<string, unknown> | null = null;
    try {
      const value: unknown = text ? JSON.parse(text) : null;
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        parsed = value as Record<string, unknown>;
    } catch {
      parsed = null;
    }
    return { status, body: parsed, start, end, endEpoch };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Extra environment for a hub process. `--profile`: CPU-profile it
 * (bench/lib/cpu-profile.ts, preloaded through NODE_OPTIONS) into `dir`, one
 * .cpuprofile per process. BENCH_HUB_NODE_OPTIONS: more NODE_OPTIONS for the
 * hub (e.g. `--max-old-space-size=…` or a diagnostic `--require`).
 * BENCH_HUB_ENV: more environment for the hub, `NAME=value` separated by
 * spaces (e.g. `DATABASE_POOL_SIZE=30 SQLITE_SYNCHRONOUS=FULL`).
 */
export function diagnosticsEnv(argv: readonly string[], dir: string): NodeJS.ProcessEnv {
  const profile = argv.includes('--profile');
  const options = [
    profile ? `--require ${join(__dirname, 'cpu-profile.js')}` : '',
    process.env.BENCH_HUB_NODE_OPTIONS ?? '',
  ]
    .filter((o) => o !== '')
    .join(' ');
  const extra = (process.env.BENCH_HUB_ENV ?? '')
    .split(/\s+/)
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]);
  return {
    ...Object.fromEntries(extra),
    ...(options && { NODE_OPTIONS: options }),
    ...(profile && { BENCH_CPU_PROF_DIR: dir }),
  };
}

export const errorType = (a: Answer): string | undefined =>
  typeof a.body?.errorType === 'string' ? a.body.errorType : undefined;

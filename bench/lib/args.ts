import { DbKind, isInterrupted } from './harness';

/** `--name=<number>` from the command line, else `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = hit ? Number(hit.slice(name.length + 3)) : fallback;
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number`);
  return value;
}

/** `--name=<text>` from the command line, else undefined. */
export function stringArg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The stores to run on: both, or only the one named by `--db=sqlite|postgres`. */
export function dbKinds(): DbKind[] {
  const only = process.argv.find((a) => a.startsWith('--db='))?.slice('--db='.length);
  return (['sqlite', 'postgres'] as const).filter((k) => !only || only === k);
}

export const storeName = (kind: DbKind): string => (kind === 'sqlite' ? 'SQLite' : 'PostgreSQL');

/** Prints a failure's stack and exits non-zero (unless interrupted): the end of every benchmark's `main().catch(…)`. */
export function fail(error: unknown): void {
  if (isInterrupted()) return; // the interrupt handler exits once hubs and databases are cleaned up
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The folder of the default `DATABASE_URL` (`sqlite:data/hub.sqlite`), made on first start. */
export const DEFAULT_SQLITE_FOLDER = 'data';

/**
 * Makes sure the folder of an SQLite file exists. Only the default `data/`
 * folder is created; any other missing folder is a mistyped path, which
 * would otherwise quietly start an empty database somewhere unexpected.
 */
export function prepareSqliteFolder(file: string, cwd = process.cwd()): void {
  if (file === ':memory:') return;
  const folder = dirname(resolve(cwd, file));
  if (existsSync(folder)) return;
  if (folder === resolve(cwd, DEFAULT_SQLITE_FOLDER)) {
    mkdirSync(folder, { recursive: true });
    return;
  }
  throw new Error(
    `DATABASE_URL sqlite:${file}: the folder ${folder} does not exist (create it, or correct the path; ` +
      `only the default ${DEFAULT_SQLITE_FOLDER}/ folder is made)`,
  );
}

/** DATABASE_URL with its password (if any) replaced by `***`. */
export function maskDatabaseUrl(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * An error opening the database, saying which setting named it: pg's
 * `connect ECONNREFUSED 127.0.0.1:5432` alone does not tell an operator
 * where that address came from. The password is masked.
 */
export function databaseOpenError(url: string, error: unknown): Error {
  return new Error(`DATABASE_URL ${maskDatabaseUrl(url)}: ${describe(error)}`, { cause: error });
}

/** Node reports a refused `localhost` (IPv6 and IPv4 both tried) as an AggregateError without a message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message) return error.message;
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e: unknown) => describe(e)).join('; ');
  }
  return (error as { code?: string }).code ?? error.name;
}

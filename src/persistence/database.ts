import { Mutex } from 'async-mutex';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { WalCheckpointer } from './wal-checkpointer';

/**
 * The one way services reach storage: every unit of work is a transaction.
 *
 * TypeORM's SQLite drivers share a single connection, so two async
 * transactions would silently interleave on it (one's ROLLBACK undoing the
 * other's writes). On SQLite units of work are therefore run one at a time
 * behind a mutex; better-sqlite3 is synchronous and they are short, so this
 * costs little. On PostgreSQL each unit gets its own pooled connection.
 */
export class Database {
  private readonly sqliteLock: Mutex | null;

  constructor(
    readonly dataSource: DataSource,
    private readonly checkpointer: WalCheckpointer | null = null,
  ) {
    this.sqliteLock = dataSource.options.type === 'postgres' ? null : new Mutex();
  }

  get isPostgres(): boolean {
    return this.sqliteLock === null;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.sqliteLock) return this.sqliteLock.runExclusive(() => this.dataSource.transaction(work));
    return this.dataSource.transaction(work);
  }

  /** A read or a single statement: no explicit transaction, still serialised on SQLite. */
  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.sqliteLock) return this.sqliteLock.runExclusive(() => work(this.dataSource.manager));
    return work(this.dataSource.manager);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

interface DriverError {
  code?: string;
  driverError?: { code?: string };
}

function codeOf(error: unknown): string | undefined {
  const e = error as DriverError | null;
  return e?.driverError?.code ?? e?.code;
}

/** A unique or primary-key violation: the database said "this id exists" (SPEC §10). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02',
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
]);

/** The store could not be reached or written: the request's outcome depends on the operation (SPEC §10). */
export function isStorageUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|database is locked/i.test(
    message,
  );
}

/**
 * Inserts a row. TypeORM's deep-partial insert type cannot express JSON
 * columns (`Record<string, unknown>`), so the one cast lives here.
 */
export async function insertRow<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  row: Partial<T>,
): Promise<void> {
  await em.insert(target, row as QueryDeepPartialEntity<T>);
}

/** A column value as the drivers take it in raw SQL. */
export type SqlValue = string | number | boolean | null;

/**
 * A plain multi-row INSERT with bound parameters, for the audit trail's
 * group-committed rows (single rows of an entity go through `SqlTable`): a
 * fixed text per row count lets the driver reuse its prepared statement.
 * Values must already be in column form (JSON as text); booleans are turned
 * into 0/1 for SQLite here.
 */
export async function insertRaw(
  em: EntityManager,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly SqlValue[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const postgres = em.connection.options.type === 'postgres';
  let n = 0;
  const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
  const values = rows.map(() => tuple()).join(', ');
  const params = rows.flat().map((v) => (!postgres && typeof v === 'boolean' ? (v ? 1 : 0) : v));
  await em.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, params);
}

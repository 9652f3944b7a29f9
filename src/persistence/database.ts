import { Mutex } from 'async-mutex';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { SqliteFileLock } from './sqlite-file-lock';
import type { WalCheckpointer } from './wal-checkpointer';

declare const unitOfWork: unique symbol;

/**
 * A unit of work: the transaction (or, for `run`, the serialised single
 * statement) that repository calls take part in. Opaque outside storage code:
 * services hand it from `Database.transaction` to repositories and never reach
 * the database through it (docs/decisions.md, "One way to the database").
 */
export interface Tx {
  readonly [unitOfWork]: true;
}

/** What a `Tx` is inside: the manager, and what to do once the work has committed. */
class UnitOfWork {
  hooks: Array<() => void> | null = null;

  constructor(readonly em: EntityManager) {}

  committed(): void {
    for (const hook of this.hooks ?? []) hook();
  }
}

/** The EntityManager behind a unit of work: for repositories and the storage layer only (lint-enforced). */
export function managerOf(tx: Tx): EntityManager {
  return (tx as unknown as UnitOfWork).em;
}

/** A unit of work over an EntityManager the storage layer already holds (migrations, tests of storage). */
export const asTx = (em: EntityManager): Tx => new UnitOfWork(em) as unknown as Tx;

/**
 * Runs `hook` once the unit of work has committed (never if it rolls back):
 * in-process effects of what it wrote, such as waking the forwarder for an
 * advice it queued or releasing a payment's wait, which must not run before
 * the rows they announce can be read.
 */
export function afterCommit(tx: Tx, hook: () => void): void {
  const unit = tx as unknown as UnitOfWork;
  (unit.hooks ??= []).push(hook);
}

/** What a SQLite file's hub holds besides the connection: the file's lock and its checkpoint thread. */
export interface SqliteFileResources {
  checkpointer: WalCheckpointer;
  lock: SqliteFileLock;
}

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
    private readonly file: SqliteFileResources | null = null,
  ) {
    this.sqliteLock = dataSource.options.type === 'postgres' ? null : new Mutex();
  }

  get isPostgres(): boolean {
    return this.sqliteLock === null;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.sqliteLock) return this.sqliteTransaction(this.sqliteLock, work);
    let unit: UnitOfWork | undefined;
    const inTransaction = (em: EntityManager) => work((unit = new UnitOfWork(em)) as unknown as Tx);
    const result = await this.dataSource.transaction(inTransaction);
    unit?.committed();
    return result;
  }

  /**
   * SQLite's one connection, behind the mutex: BEGIN, the work, COMMIT (or
   * ROLLBACK), each a statement run directly (see `runOnSqlite`); the same
   * statements TypeORM's transaction would send, without its query runner.
   */
  private async sqliteTransaction<T>(lock: Mutex, work: (tx: Tx) => Promise<T>): Promise<T> {
    const em = this.dataSource.manager;
    const unit = new UnitOfWork(em);
    const result = await lock.runExclusive(async () => {
      runOnSqlite(em, 'BEGIN TRANSACTION', []);
      try {
        const done = await work(unit as unknown as Tx);
        runOnSqlite(em, 'COMMIT', []);
        return done;
      } catch (error) {
        if (sqliteConnection(em).inTransaction) runOnSqlite(em, 'ROLLBACK', []);
        throw error;
      }
    });
    unit.committed();
    return result;
  }

  /** A read or a single statement: no explicit transaction, still serialised on SQLite. */
  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const unit = new UnitOfWork(this.dataSource.manager);
    const tx = unit as unknown as Tx;
    const result = await (this.sqliteLock ? this.sqliteLock.runExclusive(() => work(tx)) : work(tx));
    unit.committed();
    return result;
  }

  /** One trivial statement, for readiness: the store answers (serialised on SQLite like any unit of work). */
  async ping(): Promise<void> {
    await this.run((tx) => managerOf(tx).query('SELECT 1'));
  }

  async close(): Promise<void> {
    await this.file?.checkpointer.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    // Last: the file is free for another hub only once this one has let go of it.
    this.file?.lock.release();
  }
}

interface DriverError {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

function codeOf(error: unknown): string | undefined {
  const e = error as DriverError | null;
  const code = (e?.driverError as DriverError | undefined)?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A unique or primary-key violation: the database said "this id exists" (docs/protocol.md §10). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/* Codes that mean the store cannot be reached or cannot take the work now. */
const UNAVAILABLE_CODES = new Set([
  // Node sockets and DNS, as pg reports them when connecting or mid-query.
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  // PostgreSQL SQLSTATE; class 08 (connection exception) is matched as a class below.
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout (data-source.ts) stopped a stalled statement
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '57P05', // idle_session_timeout
]);

/*
 * Code families: SQLSTATE class 08, and SQLite primary codes with their
 * extended forms as better-sqlite3 reports them (SQLITE_BUSY_SNAPSHOT,
 * SQLITE_IOERR_FSYNC, SQLITE_READONLY_DBMOVED, SQLITE_CANTOPEN_ISDIR, …).
 * SQLITE_BUSY reaches us only after busy_timeout (data-source.ts) ran out.
 */
const UNAVAILABLE_CODE_FAMILY = /^(08[0-9A-Z]{3}|SQLITE_(BUSY|READONLY|IOERR|FULL|CANTOPEN)(_[A-Z0-9_]+)?)$/;

/*
 * Driver errors that carry no code: pg-pool's "timeout exceeded when trying to
 * connect" (connectionTimeoutMillis) and "Connection terminated due to
 * connection timeout", pg's "Connection terminated unexpectedly", "Query read
 * timeout" (query_timeout), "Client has encountered a connection error and is
 * not queryable" / "Client was closed and is not queryable", and SQLite's
 * "database is locked".
 */
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|^Connection terminated|connection timeout|^Query read timeout|is not queryable|database is locked/i;

/**
 * The store could not be reached or could not take the work: the request's
 * outcome depends on the operation (docs/protocol.md §10: 503, advices 500). A constraint
 * violation, a bad statement or a bug is not this: those stay 500. Looks
 * through TypeORM's `driverError` and `cause` chains, where drivers keep the
 * original error.
 */
export function isStorageUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const e = current as DriverError;
    for (const candidate of [e, e.driverError as DriverError | undefined]) {
      const code = candidate?.code;
      if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CODE_FAMILY.test(code))) return true;
      const message = candidate?.message;
      if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    }
    current = e.cause;
  }
  return false;
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
  tx: Tx,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly SqlValue[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const em = managerOf(tx);
  const postgres = em.connection.options.type === 'postgres';
  const params = rows.flat().map((v) => (!postgres && typeof v === 'boolean' ? (v ? 1 : 0) : v));
  const text = insertText(table, columns, rows.length, postgres);
  if (postgres) await em.query(text, params);
  else runOnSqlite(em, text, params);
}

/** The better-sqlite3 connection behind a SQLite data source (it has one). */
function sqliteConnection(em: EntityManager): BetterSqlite3.Database {
  return (em.connection.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
}

/** Statements prepared on each SQLite connection, by text (a fixed text is prepared once). */
const prepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * Runs one statement on SQLite's single connection, inside its current
 * transaction if one is open: rows for a statement that returns them
 * (SELECT, RETURNING), else how many rows it changed. Straight to
 * better-sqlite3's prepared statement rather than through TypeORM's query
 * runner, which adds per statement a subscriber broadcast, a logger call and
 * two clock reads that cost more than SQLite's own work on the hot paths
 * (docs/benchmarks.md); errors come wrapped as TypeORM wraps them.
 */
export function runOnSqlite(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
): { rows: Array<Record<string, unknown>>; affected: number } {
  const connection = sqliteConnection(em);
  let statements = prepared.get(connection);
  if (!statements) prepared.set(connection, (statements = new Map()));
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = connection.prepare(sql);
      if (statements.size < 1_000) statements.set(sql, statement);
    }
    if (statement.reader) {
      const rows = statement.all(...params) as Array<Record<string, unknown>>;
      return { rows, affected: rows.length };
    }
    return { rows: [], affected: statement.run(...params).changes };
  } catch (error) {
    throw new QueryFailedError(sql, [...params], error as Error);
  }
}

const insertTexts = new Map<string, string>();

/** `INSERT INTO t (…) VALUES (…), …` for `count` rows: built once per shape, the same text every time. */
function insertText(table: string, columns: readonly string[], count: number, postgres: boolean): string {
  const key = `${postgres ? '$' : '?'}${count} ${table} ${columns.join(',')}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
    text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: count }, tuple).join(', ')}`;
    if (insertTexts.size < 1_000) insertTexts.set(key, text);
  }
  return text;
}

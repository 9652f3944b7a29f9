import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client, DatabaseError, Pool } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isStorageUnavailable, isUniqueViolation } from './database';

/** A PostgreSQL error as pg builds it from the server's ErrorResponse. */
function pgError(code: string, message: string): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = code.startsWith('57P') ? 'FATAL' : 'ERROR';
  return error;
}

/** A Node socket or DNS error, as pg passes it on. */
function netError(code: string, syscall = 'connect'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code} 10.0.0.5:5432`), { code, errno: -1, syscall });
}

const sqliteError = (code: string, message: string) => new BetterSqlite3.SqliteError(message, code);

/** How a driver error reaches the error filter from a repository: wrapped by TypeORM. */
const viaTypeorm = (driverError: Error) => new QueryFailedError('INSERT INTO qr_codes …', [], driverError);

describe('isStorageUnavailable: database outage vs fault (docs/protocol.md §10)', () => {
  const unavailable: Array<[string, Error]> = [
    // pg-pool and pg, no code
    ['pg-pool: no connection within connectionTimeoutMillis', new Error('timeout exceeded when trying to connect')],
    [
      'pg-pool: handshake cut by connectionTimeoutMillis',
      new Error('Connection terminated due to connection timeout', {
        cause: new Error('Connection terminated unexpectedly'),
      }),
    ],
    ['pg: socket closed mid-query', new Error('Connection terminated unexpectedly')],
    ['pg: query_timeout', new Error('Query read timeout')],
    ['pg: client after a socket error', new Error('Client has encountered a connection error and is not queryable')],
    ['pg: client closed', new Error('Client was closed and is not queryable')],
    // Node sockets and DNS
    ...[
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENETUNREACH',
      'EHOSTUNREACH',
      'ENOTFOUND',
      'EAI_AGAIN',
    ].map((code): [string, Error] => [`socket ${code}`, netError(code)]),
    // PostgreSQL SQLSTATE
    ['08000 connection_exception', pgError('08000', 'connection exception')],
    ['08001 sqlclient_unable_to_establish_sqlconnection', pgError('08001', 'could not connect')],
    ['08003 connection_does_not_exist', pgError('08003', 'connection does not exist')],
    ['08004 sqlserver_rejected_establishment', pgError('08004', 'rejected')],
    ['08006 connection_failure', pgError('08006', 'connection failure')],
    ['08P01 protocol_violation', pgError('08P01', 'protocol violation')],
    ['57P01 admin_shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash_shutdown', pgError('57P02', 'terminating connection because of crash of another server process')],
    ['57P03 cannot_connect_now', pgError('57P03', 'the database system is starting up')],
    ['53300 too_many_connections', pgError('53300', 'sorry, too many clients already')],
    ['57014 statement_timeout', pgError('57014', 'canceling statement due to statement timeout')],
    // SQLite, as better-sqlite3 reports it
    ['SQLITE_BUSY after busy_timeout', sqliteError('SQLITE_BUSY', 'database is locked')],
    ['SQLITE_BUSY_SNAPSHOT', sqliteError('SQLITE_BUSY_SNAPSHOT', 'database is locked')],
    ['SQLITE_READONLY', sqliteError('SQLITE_READONLY', 'attempt to write a readonly database')],
    ['SQLITE_READONLY_DBMOVED', sqliteError('SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database')],
    ['SQLITE_IOERR', sqliteError('SQLITE_IOERR', 'disk I/O error')],
    ['SQLITE_IOERR_FSYNC', sqliteError('SQLITE_IOERR_FSYNC', 'disk I/O error')],
    ['SQLITE_IOERR_SHORT_READ', sqliteError('SQLITE_IOERR_SHORT_READ', 'disk I/O error')],
    ['SQLITE_FULL', sqliteError('SQLITE_FULL', 'database or disk is full')],
    ['SQLITE_CANTOPEN', sqliteError('SQLITE_CANTOPEN', 'unable to open database file')],
  ];

  it.each(unavailable)('%s is an outage', (_name, error) => {
    expect(isStorageUnavailable(error)).toBe(true);
    expect(isStorageUnavailable(viaTypeorm(error))).toBe(true);
  });

  const faults: Array<[string, unknown]> = [
    ['23505 unique_violation', pgError('23505', 'duplicate key value violates unique constraint "pk_payments"')],
    ['23502 not_null_violation', pgError('23502', 'null value in column "tran_id" violates not-null constraint')],
    ['23503 foreign_key_violation', pgError('23503', 'insert or update violates foreign key constraint')],
    ['42P01 undefined_table', pgError('42P01', 'relation "paymnets" does not exist')],
    ['42601 syntax_error', pgError('42601', 'syntax error at or near "SELEC"')],
    ['22P02 invalid_text_representation', pgError('22P02', 'invalid input syntax for type bigint')],
    ['40P01 deadlock_detected', pgError('40P01', 'deadlock detected')],
    ['SQLITE_CONSTRAINT_UNIQUE', sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: payments.id')],
    ['SQLITE_CONSTRAINT_NOTNULL', sqliteError('SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed')],
    ['SQLITE_ERROR', sqliteError('SQLITE_ERROR', 'no such table: paymnets')],
    ['SQLITE_MISMATCH', sqliteError('SQLITE_MISMATCH', 'datatype mismatch')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'tranId')")],
    ['a plain error', new Error('payment in an impossible state')],
    ['not an error', 'boom'],
    ['nothing', undefined],
  ];

  it.each(faults)('%s is not an outage (500)', (_name, error) => {
    expect(isStorageUnavailable(error)).toBe(false);
    if (error instanceof Error) expect(isStorageUnavailable(viaTypeorm(error))).toBe(false);
  });

  it('still tells a unique violation apart', () => {
    expect(isUniqueViolation(viaTypeorm(pgError('23505', 'duplicate key')))).toBe(true);
    expect(isUniqueViolation(viaTypeorm(sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed')))).toBe(
      true,
    );
    expect(isUniqueViolation(viaTypeorm(pgError('08006', 'connection failure')))).toBe(false);
  });

  describe('real driver errors', () => {
    it('pg: a server that accepts but never answers, and a closed port', async () => {
      const sockets: Socket[] = [];
      const silent = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
      const { port } = silent.address() as AddressInfo;
      const pool = new Pool({ host: '127.0.0.1', port, max: 1, connectionTimeoutMillis: 200 });
      const [handshake, waiting] = await Promise.all([
        pool.connect().catch((e: unknown) => e),
        pool.connect().catch((e: unknown) => e),
      ]);
      await pool.end();
      for (const s of sockets) s.destroy();
      await new Promise((done) => silent.close(done));
      const refused = await new Client({ host: '127.0.0.1', port }).connect().catch((e: unknown) => e);

      expect((handshake as Error).message).toBe('Connection terminated due to connection timeout');
      expect((waiting as Error).message).toBe('timeout exceeded when trying to connect');
      expect((refused as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      for (const error of [handshake, waiting, refused]) expect(isStorageUnavailable(error)).toBe(true);
    });

    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'hub-db-errors-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const thrown = (work: () => unknown): unknown => {
      try {
        work();
      } catch (error) {
        return error;
      }
      throw new Error('expected an error');
    };

    it('better-sqlite3: SQLITE_BUSY once busy_timeout runs out, SQLITE_READONLY, SQLITE_CANTOPEN', () => {
      const file = join(dir, 'hub.sqlite');
      const holder = new BetterSqlite3(file);
      holder.exec('CREATE TABLE t (x INTEGER)');
      holder.exec('BEGIN EXCLUSIVE');
      const other = new BetterSqlite3(file, { timeout: 10 });
      const busy = thrown(() => other.exec('INSERT INTO t VALUES (1)'));
      holder.exec('ROLLBACK');
      const readonly = new BetterSqlite3(file, { readonly: true });
      const denied = thrown(() => readonly.exec('INSERT INTO t VALUES (1)'));
      // A directory: opening fails at once or at the first statement.
      const cantOpen = thrown(() => {
        const directory = new BetterSqlite3(dir);
        try {
          directory.exec('CREATE TABLE t (x INTEGER)');
        } finally {
          directory.close();
        }
      });
      for (const db of [holder, other, readonly]) db.close();

      expect([busy, denied, cantOpen].map((e) => (e as { code?: string }).code)).toEqual([
        'SQLITE_BUSY',
        'SQLITE_READONLY',
        'SQLITE_CANTOPEN',
      ]);
      for (const error of [busy, denied, cantOpen]) expect(isStorageUnavailable(error)).toBe(true);

      const constraint = new BetterSqlite3(join(dir, 'other.sqlite'));
      constraint.exec('CREATE TABLE u (id TEXT PRIMARY KEY)');
      constraint.exec("INSERT INTO u VALUES ('a')");
      const duplicate = thrown(() => constraint.exec("INSERT INTO u VALUES ('a')"));
      constraint.close();
      expect(isStorageUnavailable(duplicate)).toBe(false);
      expect(isUniqueViolation(duplicate)).toBe(true);
    });
  });
});

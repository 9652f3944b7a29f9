import { hostname } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';

/** Who holds a database file: as the holder wrote it into the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** Another process holds the database file: this hub must not touch it. */
export class DatabaseFileInUseError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder ? `hub process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another process';
    super(
      `database file ${file} is in use by ${who}; SQLite allows one hub per database file ` +
        '(stop that hub, or share a PostgreSQL database between instances)',
    );
    this.name = 'DatabaseFileInUseError';
  }
}

/**
 * One hub per SQLite file (docs/decisions.md): an exclusive hold on
 * `<file>.lock`, taken before the hub reads or writes the database and kept
 * until it closes it.
 *
 * The hold is SQLite's own file lock (a POSIX advisory lock on the lock
 * file, taken by an open write transaction): the kernel drops it when the
 * process dies, kill -9 included, so a crash never leaves a stale lock, and
 * no new native dependency is needed. The holder's pid is committed to the
 * lock file first, so a refused process can name it: a reader may still read
 * while the holder's transaction only reserves the file.
 */
export class SqliteFileLock {
  private constructor(
    private readonly db: BetterSqlite3.Database,
    /** The database file this hold is for. */
    readonly file: string,
  ) {}

  /** Takes the hold at once, or throws {@link DatabaseFileInUseError} naming the holder. */
  static acquire(file: string): SqliteFileLock {
    const path = `${file}.lock`;
    // timeout 0: a held lock is refused at once, never waited for.
    const db = new BetterSqlite3(path, { timeout: 0 });
    try {
      db.pragma('journal_mode = DELETE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)');
      const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      reserve(db, file);
      db.exec('DELETE FROM holder');
      db.prepare('INSERT INTO holder (pid, host, since) VALUES (@pid, @host, @since)').run(mine);
      db.exec('COMMIT');
      // Held from here until close(); a process that slipped in between commit and this is named instead.
      reserve(db, file);
      return new SqliteFileLock(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  release(): void {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}

function reserve(db: BetterSqlite3.Database, file: string): void {
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new DatabaseFileInUseError(file, readHolder(db));
  }
}

function readHolder(db: BetterSqlite3.Database): LockHolder | null {
  try {
    return (db.prepare('SELECT pid, host, since FROM holder').get() as LockHolder | undefined) ?? null;
  } catch {
    return null;
  }
}

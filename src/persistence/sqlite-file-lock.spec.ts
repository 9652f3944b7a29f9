import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseFileInUseError, SqliteFileLock } from './sqlite-file-lock';

describe('SqliteFileLock: one hub per SQLite file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'qr-hub-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second hold on the same file, naming the holding process', () => {
    const file = join(dir, 'hub.sqlite');
    const first = SqliteFileLock.acquire(file);
    try {
      let refused: unknown;
      try {
        SqliteFileLock.acquire(file);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(DatabaseFileInUseError);
      expect((refused as Error).message).toContain(`database file ${file} is in use by hub process ${process.pid}`);
    } finally {
      first.release();
    }
  });

  it('is free again once released, and holds on other files do not interfere', () => {
    const file = join(dir, 'hub.sqlite');
    SqliteFileLock.acquire(file).release();
    const again = SqliteFileLock.acquire(file);
    const other = SqliteFileLock.acquire(join(dir, 'other.sqlite'));
    other.release();
    again.release();
  });

  it('is released by the kernel when the holding process dies without releasing it', () => {
    const file = join(dir, 'hub.sqlite');
    // A child takes the hold and is killed (SIGKILL) while holding it.
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const D=require(${JSON.stringify(require.resolve('better-sqlite3'))});const d=new D(${JSON.stringify(`${file}.lock`)});d.exec('BEGIN IMMEDIATE');process.kill(process.pid,'SIGKILL')`,
      ],
      { encoding: 'utf8' },
    );
    expect(child.signal).toBe('SIGKILL');
    SqliteFileLock.acquire(file).release();
  });
});

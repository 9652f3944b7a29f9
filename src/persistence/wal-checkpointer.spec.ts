import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { WalCheckpointer } from './wal-checkpointer';

/** Rows written in WAL mode with automatic checkpoints off live only in the -wal file until a checkpoint. */
function walDatabase(): { file: string; db: BetterSqlite3.Database } {
  const file = join(mkdtempSync(join(tmpdir(), 'wal-')), 'hub.sqlite');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < 500; i++) insert.run('x'.repeat(500));
  return { file, db };
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WalCheckpointer', () => {
  it('copies committed pages from the log into the database file on its own thread', async () => {
    const { file, db } = walDatabase();
    const before = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(250_000);
    const checkpointer = new WalCheckpointer(file, 10);
    try {
      await until(() => statSync(file).size > 250_000);
      expect(statSync(file).size).toBeGreaterThan(before);
      // The writer still writes while checkpoints run.
      db.prepare('INSERT INTO t (body) VALUES (?)').run('after');
      expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 501 });
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('checkpoints once more when stopped', async () => {
    const { file, db } = walDatabase();
    const checkpointer = new WalCheckpointer(file, 60_000);
    await checkpointer.stop();
    expect(statSync(file).size).toBeGreaterThan(250_000);
    db.close();
  });
});

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import type { DatabaseTarget } from '@app/config/env.validation';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

/**
 * TypeORM options for either store. Migrations run at start-up; the schema is
 * never synchronised from the entities. A PostgreSQL URL may carry
 * `?schema=name`, used to give each test run its own schema.
 */
export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  };
  if (target.type === 'sqlite') {
    if (target.file !== ':memory:') mkdirSync(dirname(target.file), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.file,
      // Every distinct SQL text is a prepared statement; batched inserts and IN
      // lists make many, and a small FIFO cache would re-prepare hot ones.
      statementCacheSize: 2000,
      // WAL + synchronous=NORMAL survives a process crash (kill -9) without an
      // fsync per commit; set SQLITE_SYNCHRONOUS=FULL to survive power loss too.
      prepareDatabase: (db: BetterSqlite3.Database) => {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${process.env.SQLITE_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL'}`);
        db.pragma('busy_timeout = 5000');
        // Checkpoints run on their own thread (WalCheckpointer); this one is the safety net.
        if (target.file !== ':memory:') db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
        db.pragma('foreign_keys = ON');
      },
    };
  }
  const url = new URL(target.url);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return {
    ...common,
    type: 'postgres',
    url: url.toString(),
    schema,
    extra: {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      connectionTimeoutMillis: 5000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    },
  };
}

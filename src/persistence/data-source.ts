import { DataSourceOptions } from 'typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_DATABASE_TUNING, type DatabaseTarget, type DatabaseTuning } from '@app/config/env.validation';
import { prepareSqliteFolder } from './database-url-errors';
import { PgClient } from './pg-client';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

/*
 * docs/protocol.md §10: a database that stops answering must turn into 503s, not requests
 * that hang. The hub's statements take milliseconds (a held pay waits in
 * memory, not in the database), so:
 * - connectionTimeoutMillis: a new connection, or a free one from a full pool,
 *   within 5 s, else "timeout exceeded when trying to connect";
 * - statement_timeout: the server cancels a statement (lock waits included)
 *   after 10 s (SQLSTATE 57014); the connection stays usable;
 * - query_timeout: the client gives up 2 s later still, when the server itself
 *   does not answer (a host gone silent without closing the socket); PgClient
 *   then drops that connection.
 * No query of the hub comes near these. Migrations run through this pool too:
 * one that needs longer (an index on a large table) must run outside the hub.
 */
export const PG_TIMEOUTS = {
  connectionTimeoutMillis: 5_000,
  statement_timeout: 10_000,
  query_timeout: 12_000,
} as const;

/** What a store holds: the entity of every table, and the migrations that build them, in order. */
export interface DatabaseSchema {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

/**
 * TypeORM options for either store, for the tables of `schema` (the hub's is
 * src/store/hub-schema.ts). Migrations run at start-up; the tables are never
 * synchronised from the entities. A PostgreSQL URL may carry `?schema=name`,
 * used to give each test run its own schema.
 */
export function dataSourceOptions(
  target: DatabaseTarget,
  schema: DatabaseSchema,
  tuning: DatabaseTuning = DEFAULT_DATABASE_TUNING,
): DataSourceOptions {
  const common = {
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  };
  if (target.type === 'sqlite') {
    prepareSqliteFolder(target.file);
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
        db.pragma(`synchronous = ${tuning.sqliteSynchronous}`);
        db.pragma('busy_timeout = 5000');
        // Checkpoints run on their own thread (WalCheckpointer); this one is the safety net.
        if (target.file !== ':memory:') db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
        db.pragma('foreign_keys = ON');
      },
    };
  }
  const connection = postgresConnection(target.url);
  return {
    ...common,
    type: 'postgres',
    url: connection.url,
    schema: connection.schema,
    extra: {
      Client: PgClient,
      max: tuning.poolSize,
      ...PG_TIMEOUTS,
      ...(connection.options !== undefined && { options: connection.options }),
    },
  };
}

/** A PostgreSQL connection: the URL without its `?schema=name`, and that schema as the search path. */
export interface PostgresConnection {
  url: string;
  schema?: string;
  /** The connection's `options` (`-c search_path=…`) when the URL names a schema. */
  options?: string;
}

/** Where a PostgreSQL `DATABASE_URL` connects: shared by the pool and the scan listener's own connection. */
export function postgresConnection(databaseUrl: string): PostgresConnection {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { url: url.toString(), ...(schema && { schema, options: `-c search_path=${schema}` }) };
}

import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config/app-config';
import { parseDatabaseUrl } from '@app/config/env.validation';
import { dataSourceOptions } from '@app/persistence/data-source';
import { databaseOpenError, prepareSqliteFolder } from '@app/persistence/database-url-errors';
import { Database } from '@app/persistence/database';
import { SqliteFileLock } from '@app/persistence/sqlite-file-lock';
import { WalCheckpointer } from '@app/persistence/wal-checkpointer';
import { HUB_SCHEMA } from './hub-schema';

@Global()
@Module({
  providers: [
    {
      // One hub per SQLite file, held before the database is read or written (docs/decisions.md).
      provide: SqliteFileLock,
      inject: [AppConfig],
      useFactory: (config: AppConfig): SqliteFileLock | null => {
        const target = parseDatabaseUrl(config.env.databaseUrl);
        if (target.type !== 'sqlite' || target.file === ':memory:') return null;
        prepareSqliteFolder(target.file);
        return SqliteFileLock.acquire(target.file);
      },
    },
    {
      provide: DataSource,
      inject: [AppConfig, SqliteFileLock],
      useFactory: async (config: AppConfig, lock: SqliteFileLock | null): Promise<DataSource> => {
        const dataSource = new DataSource(
          dataSourceOptions(parseDatabaseUrl(config.env.databaseUrl), HUB_SCHEMA, config.env.database),
        );
        try {
          return await dataSource.initialize();
        } catch (error) {
          lock?.release();
          throw databaseOpenError(config.env.databaseUrl, error);
        }
      },
    },
    {
      provide: Database,
      inject: [DataSource, SqliteFileLock],
      useFactory: (ds: DataSource, lock: SqliteFileLock | null) =>
        new Database(ds, lock && { checkpointer: new WalCheckpointer(lock.file), lock }),
    },
  ],
  exports: [DataSource, Database],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

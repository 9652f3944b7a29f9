import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config/app-config';
import { parseDatabaseUrl } from '@app/config/env.validation';
import { dataSourceOptions } from './data-source';
import { databaseOpenError } from './database-url-errors';
import { Database } from './database';
import { WalCheckpointer } from './wal-checkpointer';

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<DataSource> => {
        const dataSource = new DataSource(dataSourceOptions(parseDatabaseUrl(config.env.databaseUrl)));
        return dataSource.initialize().catch((error: unknown) => {
          throw databaseOpenError(config.env.databaseUrl, error);
        });
      },
    },
    {
      provide: Database,
      inject: [DataSource, AppConfig],
      useFactory: (ds: DataSource, config: AppConfig) => {
        const target = parseDatabaseUrl(config.env.databaseUrl);
        const file = target.type === 'sqlite' && target.file !== ':memory:' ? target.file : null;
        return new Database(ds, file ? new WalCheckpointer(file) : null);
      },
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

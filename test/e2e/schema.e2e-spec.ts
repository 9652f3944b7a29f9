import { DataSource, DataSourceOptions } from 'typeorm';
import { parseDatabaseUrl } from '@app/config/env.validation';
import { dataSourceOptions } from '@app/persistence/data-source';
import { HUB_SCHEMA } from '@app/store/hub-schema';
import { MIGRATIONS } from '@app/store/migrations';
import { Payment } from '@app/lifecycle/payment.entity';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/*
 * The schema comes only from the migrations; the code reads and writes through
 * the entities (docs/decisions.md "Storage and durability"). On a fresh
 * database of this run's kind, with the hub's own data-source options (so the
 * migrations run as at start-up), TypeORM's schema builder is asked what it
 * would change to match the entities: nothing, on either store.
 */

/**
 * The schema builder matches indexes by name, uniqueness and set of columns
 * only; it ignores their column order and WHERE. Those are compared here, as
 * far as TypeORM reads them back: on SQLite the index's text as written; on
 * PostgreSQL only whether there is a WHERE (the server rewrites the predicate,
 * `state IN (…)` into `(state)::text = ANY (…)`, and TypeORM's query there
 * does not return the columns in index order).
 */
async function indexDrift(dataSource: DataSource): Promise<string[]> {
  const exact = dataSource.options.type === 'better-sqlite3';
  const queryRunner = dataSource.createQueryRunner();
  try {
    const tables = await queryRunner.getTables(dataSource.entityMetadatas.map((m) => m.tablePath));
    const nameOf = (target: Parameters<typeof dataSource.driver.parseTableName>[0]) =>
      dataSource.driver.parseTableName(target).tableName;
    const drift: string[] = [];
    for (const metadata of dataSource.entityMetadatas) {
      const table = tables.find((t) => nameOf(t) === nameOf(metadata));
      if (!table) {
        drift.push(`table ${metadata.tableName}: not found`);
        continue;
      }
      for (const declared of metadata.indices) {
        const index = table.indices.find((i) => i.name === declared.name);
        if (!index) continue; // missing: the schema builder reports it
        const columns = declared.columns.map((c) => c.databaseName);
        const where = declared.where ?? '';
        const differs = exact
          ? columns.join() !== index.columnNames.join() || where !== (index.where ?? '')
          : Boolean(where) !== Boolean(index.where);
        if (differs) {
          drift.push(
            `index ${declared.name}: entity (${columns.join(', ')}) WHERE ${where || '-'}, ` +
              `migrated (${index.columnNames.join(', ')}) WHERE ${index.where || '-'}`,
          );
        }
      }
    }
    return drift;
  } finally {
    await queryRunner.release();
  }
}

/** What would have to change for the migrated schema to match the entities: SQL, then index notes. */
async function schemaDrift(options: DataSourceOptions, tamper?: (dataSource: DataSource) => void): Promise<string[]> {
  const dataSource = new DataSource(options);
  await dataSource.initialize(); // migrationsRun: the hub's start-up
  try {
    tamper?.(dataSource);
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    return [...upQueries.map((q) => q.query), ...(await indexDrift(dataSource))];
  } finally {
    await dataSource.destroy();
  }
}

describe('schema: the migrations create what the entities declare', () => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const db = await createTestDatabase();
    databases.push(db);
    return dataSourceOptions(parseDatabaseUrl(db.url), HUB_SCHEMA);
  };
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('after all migrations, TypeORM would change nothing', async () => {
    const drift = await schemaDrift(await fresh());
    if (drift.length > 0) {
      throw new Error(
        `migrations and entities disagree; to match the entities:\n${drift.map((d) => `  ${d}`).join('\n')}`,
      );
    }
  });

  // The check can fail: a forgotten migration, an index declared otherwise than migrated.
  it('finds the drift when the last migration is missing', async () => {
    const drift = await schemaDrift({ ...(await fresh()), migrations: MIGRATIONS.slice(0, -1) });
    expect(drift.some((q) => q.includes('approved_at'))).toBe(true);
  });

  it("finds the drift when an index's WHERE differs", async () => {
    const drift = await schemaDrift(await fresh(), (dataSource) => {
      const index = dataSource.getMetadata(Payment).indices.find((i) => i.name === 'uq_payments_active_tran_id')!;
      index.where = undefined;
    });
    expect(drift).toEqual([expect.stringContaining('index uq_payments_active_tran_id:')]);
  });
});

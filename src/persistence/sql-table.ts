import { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, QueryFailedError } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { managerOf, runOnSqlite, type Tx } from './database';

/** Rows a statement returned (reads, RETURNING) and how many rows it changed. */
export interface SqlOutcome {
  rows: Array<Record<string, unknown>>;
  affected: number;
}

/**
 * Runs one statement written with `?` placeholders (numbered `$n` for
 * PostgreSQL here) and bound parameters, inside `em`'s transaction if it has one.
 *
 * Why not TypeORM's query builder on the hot paths: on SQLite it writes every
 * number into the SQL text (`escapeQueryWithParameters`), so a statement that
 * carries a timestamp is a new text, prepared again, each time — and building
 * it costs more CPU than SQLite spends running it (docs/benchmarks.md,
 * "What limits the hub"). A fixed text is prepared once and reused. Literal
 * predicates (`status = 'ACCEPTED'`) are written as literals so the partial
 * unique indexes of the schema can serve them.
 */
export async function execute(tx: Tx, sql: string, params: readonly unknown[]): Promise<SqlOutcome> {
  const em = managerOf(tx);
  const postgres = em.connection.options.type === 'postgres';
  const text = postgres ? numbered(sql) : sql;
  const bound = params.map((v) => (v === undefined ? null : !postgres && typeof v === 'boolean' ? (v ? 1 : 0) : v));
  if (!postgres) return runOnSqlite(em, text, bound);
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    // Straight to the pooled pg client of the unit of work, as SQLite's statements go straight to
    // better-sqlite3: TypeORM's query runner adds two awaited broadcasts, a logger call and a result
    // object per statement (docs/benchmarks.md, "Cost per payment"). Errors come wrapped as it wraps them.
    const client = (await runner.connect()) as PgQueryable;
    try {
      const result = await client.query(text, bound);
      return { rows: result.rows ?? [], affected: result.rowCount ?? 0 };
    } catch (error) {
      throw new QueryFailedError(text, bound, error as Error);
    }
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

/** What `execute` uses of a pg client (`pg.PoolClient`). */
interface PgQueryable {
  query(
    text: string,
    values: readonly unknown[],
  ): Promise<{ rows?: Array<Record<string, unknown>>; rowCount?: number | null }>;
}

const numberedCache = new Map<string, string>();

/** `?` → `$1, $2, …` (our statements carry no `?` inside literals). */
function numbered(sql: string): string {
  let text = numberedCache.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (numberedCache.size < 1_000) numberedCache.set(sql, text);
  }
  return text;
}

/** `(?, ?, ?)` for a list of n values. */
export const placeholders = (n: number): string => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/**
 * One entity's table in plain bound SQL, mapped through TypeORM's own
 * metadata and driver conversions (column names, JSON/bigint transformers,
 * SQLite booleans), so rows come back exactly as `findOneBy` would give them.
 */
export class SqlTable<T extends ObjectLiteral> {
  private readonly metadataOf = new WeakMap<DataSource, EntityMetadata>();
  private readonly insertSql = new WeakMap<DataSource, { sql: string; columns: ColumnMetadata[] }>();

  constructor(private readonly target: EntityTarget<T>) {}

  /** Rows matching `where` (SQL with `?`), in `tail`'s order (`ORDER BY …`, `LIMIT …`). */
  async select(tx: Tx, where: string, params: readonly unknown[], tail = ''): Promise<T[]> {
    const em = managerOf(tx);
    const meta = this.metadata(em);
    const { rows } = await execute(tx, `SELECT * FROM ${meta.tableName} WHERE ${where} ${tail}`, params);
    return rows.map((raw) => hydrate<T>(em, meta.columns, raw));
  }

  /**
   * Like `select`, with more columns computed per row (`{ alias: 'SQL expression' }`, e.g. a
   * scalar subquery on another table), returned beside the entity's: one statement, not two.
   */
  async selectWith<X extends string>(
    tx: Tx,
    extra: Record<X, string>,
    where: string,
    params: readonly unknown[],
    tail = '',
  ): Promise<Array<{ row: T; extra: Record<X, unknown> }>> {
    const em = managerOf(tx);
    const meta = this.metadata(em);
    const names = Object.keys(extra) as X[];
    const computed = names.map((alias) => `(${extra[alias]}) AS ${alias}`).join(', ');
    const sql = `SELECT ${meta.tableName}.*, ${computed} FROM ${meta.tableName} WHERE ${where} ${tail}`;
    const { rows } = await execute(tx, sql, params);
    return rows.map((raw) => ({
      row: hydrate<T>(em, meta.columns, raw),
      extra: Object.fromEntries(names.map((alias) => [alias, raw[alias]])) as Record<X, unknown>,
    }));
  }

  /** The first row matching `where`, or null. */
  async one(tx: Tx, where: string, params: readonly unknown[], order = ''): Promise<T | null> {
    const rows = await this.select(tx, where, params, `${order} LIMIT 1`);
    return rows[0] ?? null;
  }

  async exists(tx: Tx, where: string, params: readonly unknown[]): Promise<boolean> {
    const em = managerOf(tx);
    const meta = this.metadata(em);
    const { rows } = await execute(tx, `SELECT 1 AS found FROM ${meta.tableName} WHERE ${where} LIMIT 1`, params);
    return rows.length > 0;
  }

  /** How many rows match `where`, counting no further than `atMost`. */
  async count(tx: Tx, where: string, params: readonly unknown[], atMost: number): Promise<number> {
    const em = managerOf(tx);
    const meta = this.metadata(em);
    const sql = `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${meta.tableName} WHERE ${where} LIMIT ?) AS matched`;
    const { rows } = await execute(tx, sql, [...params, atMost]);
    return Number((rows[0] as { n: unknown } | undefined)?.n ?? 0);
  }

  /** Inserts a whole row; generated columns left undefined are filled by the database. */
  async insert(tx: Tx, row: T): Promise<void> {
    const em = managerOf(tx);
    const meta = this.metadata(em);
    let statement = this.insertSql.get(em.connection);
    if (!statement) {
      const columns = meta.columns.filter((c) => !c.isGenerated);
      const names = columns.map((c) => c.databaseName).join(', ');
      statement = { sql: `INSERT INTO ${meta.tableName} (${names}) VALUES ${placeholders(columns.length)}`, columns };
      this.insertSql.set(em.connection, statement);
    }
    const values = statement.columns.map((c) => em.connection.driver.preparePersistentValue(row[c.propertyName], c));
    await execute(tx, statement.sql, values);
  }

  /** `UPDATE … SET <changes> WHERE <where>`; returns how many rows changed. */
  async update(tx: Tx, changes: Partial<T>, where: string, params: readonly unknown[]): Promise<number> {
    const em = managerOf(tx);
    const { sql, values } = this.updateSql(em, changes, where);
    return (await execute(tx, sql, [...values, ...params])).affected;
  }

  /** As `update`, returning these properties of the changed rows as they are now (SQLite ≥ 3.35, PostgreSQL). */
  async updateReturning<K extends keyof T & string>(
    tx: Tx,
    changes: Partial<T>,
    where: string,
    params: readonly unknown[],
    properties: readonly K[],
  ): Promise<Array<Pick<T, K>>> {
    const em = managerOf(tx);
    const meta = this.metadata(em);
    const columns = properties.map((p) => {
      const column = meta.findColumnWithPropertyName(p);
      if (!column) throw new Error(`${meta.tableName} has no column for ${p}`);
      return column;
    });
    const { sql, values } = this.updateSql(em, changes, where);
    const returning = columns.map((c) => c.databaseName).join(', ');
    const { rows } = await execute(tx, `${sql} RETURNING ${returning}`, [...values, ...params]);
    return rows.map((raw) => hydrate<Pick<T, K>>(em, columns, raw));
  }

  /**
   * As `update`, after a `WITH …` clause (`withSql`, its parameters `withParams`), returning
   * the changed rows whole as they are now, with more columns computed per row as in
   * `selectWith`: one statement (PostgreSQL), where a read and an update would be two.
   */
  async updateReturningWith<X extends string>(
    tx: Tx,
    withSql: string,
    withParams: readonly unknown[],
    changes: Partial<T>,
    where: string,
    params: readonly unknown[],
    extra: Record<X, string>,
  ): Promise<Array<{ row: T; extra: Record<X, unknown> }>> {
    const em = managerOf(tx);
    const meta = this.metadata(em);
    const names = Object.keys(extra) as X[];
    const computed = names.map((alias) => `(${extra[alias]}) AS ${alias}`).join(', ');
    const { sql, values } = this.updateSql(em, changes, where);
    const returning = `RETURNING ${meta.tableName}.*${computed ? `, ${computed}` : ''}`;
    const { rows } = await execute(tx, `${withSql} ${sql} ${returning}`, [...withParams, ...values, ...params]);
    return rows.map((raw) => ({
      row: hydrate<T>(em, meta.columns, raw),
      extra: Object.fromEntries(names.map((alias) => [alias, raw[alias]])) as Record<X, unknown>,
    }));
  }

  private updateSql(em: EntityManager, changes: Partial<T>, where: string): { sql: string; values: unknown[] } {
    const meta = this.metadata(em);
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [property, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      const column = meta.findColumnWithPropertyName(property);
      if (!column) throw new Error(`${meta.tableName} has no column for ${property}`);
      sets.push(`${column.databaseName} = ?`);
      values.push(em.connection.driver.preparePersistentValue(value, column));
    }
    return { sql: `UPDATE ${meta.tableName} SET ${sets.join(', ')} WHERE ${where}`, values };
  }

  private metadata(em: EntityManager): EntityMetadata {
    let meta = this.metadataOf.get(em.connection);
    if (!meta) {
      meta = em.connection.getMetadata(this.target);
      this.metadataOf.set(em.connection, meta);
    }
    return meta;
  }
}

/** A row as TypeORM would give it: each column converted by the driver (and its transformer). */
function hydrate<R>(em: EntityManager, columns: readonly ColumnMetadata[], raw: Record<string, unknown>): R {
  const entity: Record<string, unknown> = {};
  for (const column of columns) {
    entity[column.propertyName] = em.connection.driver.prepareHydratedValue(raw[column.databaseName], column);
  }
  return entity as R;
}

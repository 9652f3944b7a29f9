import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseOpenError, maskDatabaseUrl, prepareSqliteFolder } from './database-url-errors';

describe('DATABASE_URL at start-up', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'qr-hub-dburl-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('makes the default data/ folder', () => {
    prepareSqliteFolder('data/hub.sqlite', cwd);
    expect(existsSync(join(cwd, 'data'))).toBe(true);
  });

  it('refuses any other missing folder, naming DATABASE_URL and the folder', () => {
    expect(() => prepareSqliteFolder('dta/hub.sqlite', cwd)).toThrow(
      `DATABASE_URL sqlite:dta/hub.sqlite: the folder ${join(cwd, 'dta')} does not exist`,
    );
    expect(() => prepareSqliteFolder('data/more/hub.sqlite', cwd)).toThrow(/does not exist/);
    expect(existsSync(join(cwd, 'dta'))).toBe(false);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('accepts a folder that exists, and :memory:', () => {
    expect(() => prepareSqliteFolder(join(cwd, 'hub.sqlite'))).not.toThrow();
    expect(() => prepareSqliteFolder(':memory:')).not.toThrow();
  });

  it('masks the password of a PostgreSQL URL', () => {
    expect(maskDatabaseUrl('postgres://hub:s3cret@db:5432/hub')).toBe('postgres://hub:***@db:5432/hub');
    expect(maskDatabaseUrl('postgres://hub@db/hub')).toBe('postgres://hub@db/hub');
    expect(maskDatabaseUrl('sqlite:data/hub.sqlite')).toBe('sqlite:data/hub.sqlite');
  });

  it('names DATABASE_URL in an error opening the database, password masked', () => {
    const refused = new AggregateError(
      [new Error('connect ECONNREFUSED ::1:5433'), new Error('connect ECONNREFUSED 127.0.0.1:5433')],
      '',
    );
    const error = databaseOpenError('postgres://hub:s3cret@localhost:5433/hub', refused);
    expect(error.message).toBe(
      'DATABASE_URL postgres://hub:***@localhost:5433/hub: connect ECONNREFUSED ::1:5433; connect ECONNREFUSED 127.0.0.1:5433',
    );
    expect(error.cause).toBe(refused);
  });
});

import { loadEnv, parseDatabaseUrl } from '@app/config/env.validation';
import { ConfigError } from '@app/config/load-hub-config';

/** The problem lines of the ConfigError thrown for `env`. */
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^Invalid environment:\n {2}- /);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected the environment to be refused');
}

describe('environment variables (docs/protocol.md §3, §9)', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadEnv({}, () => undefined)).toEqual({
      nodeEnv: 'development',
      production: false,
      port: 8443,
      host: '0.0.0.0',
      databaseUrl: 'sqlite:data/hub.sqlite',
      database: { poolSize: 10, sqliteSynchronous: 'NORMAL' },
      hubConfigPath: 'config/hub.yaml',
      dataDir: 'data',
      tls: { disabled: false, requireClientCert: false },
      bodyLimitBytes: 65536,
      maxConnections: 4096,
      maxConnectionsPerAddress: 256,
      logLevel: 'info',
      opsAuth: 'open',
      trustProxy: false,
      trustProxyGiven: false,
    });
  });

  it('DATABASE_POOL_SIZE and SQLITE_SYNCHRONOUS: read here, refused when out of range', () => {
    expect(loadEnv({ DATABASE_POOL_SIZE: '25', SQLITE_SYNCHRONOUS: 'full' }, () => undefined).database).toEqual({
      poolSize: 25,
      sqliteSynchronous: 'FULL',
    });
    expect(problems({ DATABASE_POOL_SIZE: '0', SQLITE_SYNCHRONOUS: 'OFF' })).toEqual([
      expect.stringMatching(/^DATABASE_POOL_SIZE: /),
      'SQLITE_SYNCHRONOUS: must be NORMAL or FULL',
    ]);
  });

  it('treats empty values as unset', () => {
    expect(loadEnv({ PORT: '', LOG_LEVEL: ' ', TLS_DISABLED: '' })).toMatchObject({ port: 8443, logLevel: 'info' });
  });

  it('reads every variable', () => {
    const env = loadEnv({
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://hub:pw@db:5432/hub',
      DATABASE_POOL_SIZE: '4',
      SQLITE_SYNCHRONOUS: 'FULL',
      HUB_CONFIG: '/etc/hub/hub.yaml',
      DATA_DIR: '/var/lib/hub',
      TLS_CERT_FILE: 'cert.pem',
      TLS_KEY_FILE: 'key.pem',
      TLS_CA_FILE: 'ca.pem',
      TLS_REQUIRE_CLIENT_CERT: 'true',
      BODY_LIMIT_BYTES: '1024',
      MAX_CONNECTIONS: '100',
      MAX_CONNECTIONS_PER_ADDRESS: '10',
      LOG_LEVEL: 'debug',
      INSTANCE_ID: 'hub-a',
      TRUST_PROXY: '10.0.0.1',
    });
    expect(env).toEqual({
      nodeEnv: 'production',
      production: true,
      port: 0,
      host: '127.0.0.1',
      databaseUrl: 'postgres://hub:pw@db:5432/hub',
      database: { poolSize: 4, sqliteSynchronous: 'FULL' },
      hubConfigPath: '/etc/hub/hub.yaml',
      dataDir: '/var/lib/hub',
      tls: { disabled: false, certFile: 'cert.pem', keyFile: 'key.pem', caFile: 'ca.pem', requireClientCert: true },
      bodyLimitBytes: 1024,
      maxConnections: 100,
      maxConnectionsPerAddress: 10,
      logLevel: 'debug',
      instanceId: 'hub-a',
      opsAuth: 'operator',
      trustProxy: ['10.0.0.1'],
      trustProxyGiven: true,
    });
  });

  it('TRUST_PROXY: says whether it was given, so production can refuse the TLS_DISABLED default', () => {
    expect(loadEnv({ TLS_DISABLED: 'true' }).trustProxyGiven).toBe(false);
    expect(loadEnv({ TLS_DISABLED: 'true', TRUST_PROXY: 'none' }).trustProxyGiven).toBe(true);
    expect(loadEnv({ TLS_DISABLED: 'true', TRUST_PROXY: ' ' }).trustProxyGiven).toBe(false);
  });

  it('TRUST_PROXY: private ranges with TLS_DISABLED, none with TLS, or the list given', () => {
    expect(loadEnv({ TLS_DISABLED: 'true' }).trustProxy).toEqual(['loopback', 'linklocal', 'uniquelocal']);
    expect(loadEnv({}).trustProxy).toBe(false);
    expect(loadEnv({ TLS_DISABLED: 'true', TRUST_PROXY: 'none' }).trustProxy).toBe(false);
    expect(loadEnv({ TLS_DISABLED: 'true', TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,::1' }).trustProxy).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      '::1',
    ]);
    const wrong =
      'TRUST_PROXY: must be none, or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses and CIDR ranges';
    for (const bad of ['everyone', '10.0.0.0/33', '10.0.0.1/8/1', 'none,loopback', '300.1.1.1']) {
      expect(problems({ TRUST_PROXY: bad })).toEqual([wrong]);
    }
  });

  it('OPS_AUTH: open by default outside production, operator in production, either when set', () => {
    expect(loadEnv({}).opsAuth).toBe('open');
    expect(loadEnv({ NODE_ENV: 'production' }).opsAuth).toBe('operator');
    expect(loadEnv({ OPS_AUTH: 'operator' }).opsAuth).toBe('operator');
    expect(loadEnv({ NODE_ENV: 'production', OPS_AUTH: 'open' }).opsAuth).toBe('open');
    expect(problems({ OPS_AUTH: 'closed' })).toEqual(['OPS_AUTH: must be one of open, operator']);
  });

  it('MAX_CONNECTIONS: derived from the open-files limit unless set; MAX_CONNECTIONS_PER_ADDRESS: a share, none behind a proxy', () => {
    const limit = (files: number | undefined) => () => files;
    expect(loadEnv({}, limit(1024))).toMatchObject({
      maxConnections: 448,
      openFilesLimit: 1024,
      maxConnectionsPerAddress: 224,
    });
    expect(loadEnv({}, limit(600))).toMatchObject({ maxConnections: 64, maxConnectionsPerAddress: 32 });
    expect(loadEnv({}, limit(65536))).toMatchObject({ maxConnections: 4096, maxConnectionsPerAddress: 256 });
    const given = loadEnv({ MAX_CONNECTIONS: '5000' }, limit(1024));
    expect(given).toMatchObject({ maxConnections: 5000, maxConnectionsPerAddress: 256 });
    expect(given).not.toHaveProperty('openFilesLimit');
    expect(loadEnv({ TLS_DISABLED: 'true' }, limit(1024)).maxConnectionsPerAddress).toBe(0);
    expect(loadEnv({ TLS_DISABLED: 'true', MAX_CONNECTIONS_PER_ADDRESS: '50' }).maxConnectionsPerAddress).toBe(50);
    expect(loadEnv({ MAX_CONNECTIONS_PER_ADDRESS: '0' }).maxConnectionsPerAddress).toBe(0);
    expect(loadEnv({ MAX_CONNECTIONS: ' ' }, limit(undefined)).maxConnections).toBe(4096);
    expect(problems({ MAX_CONNECTIONS: '0', MAX_CONNECTIONS_PER_ADDRESS: 'many' })).toEqual([
      'MAX_CONNECTIONS: must be a whole number from 1 to 1000000',
      'MAX_CONNECTIONS_PER_ADDRESS: must be a whole number from 0 to 1000000',
    ]);
  });

  it.each(['70000', '-1', '80a', '8443.5'])('refuses PORT=%s, naming it', (port) => {
    expect(problems({ PORT: port })).toEqual(['PORT: must be a whole number from 0 to 65535']);
  });

  it.each(['prod', 'staging', 'Production'])('refuses NODE_ENV=%s rather than running development mode', (mode) => {
    expect(problems({ NODE_ENV: mode })).toEqual(['NODE_ENV: must be one of development, production, test']);
  });

  it.each(['development', 'production', 'test'] as const)('accepts NODE_ENV=%s', (mode) => {
    expect(loadEnv({ NODE_ENV: mode }).nodeEnv).toBe(mode);
  });

  it('names each bad variable', () => {
    expect(
      problems({ TLS_DISABLED: 'yes', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://db', BODY_LIMIT_BYTES: '0' }),
    ).toEqual([
      "DATABASE_URL: must start with 'sqlite:', 'postgres://' or 'postgresql://'",
      "TLS_DISABLED: must be 'true' or 'false'",
      'BODY_LIMIT_BYTES: must be a whole number from 1 to 104857600',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('requires certificate and key together, and a CA for client certificates', () => {
    expect(problems({ TLS_CERT_FILE: 'cert.pem' })).toEqual([
      'TLS_KEY_FILE: must be set when TLS_CERT_FILE is (certificate and key go together)',
    ]);
    expect(problems({ TLS_REQUIRE_CLIENT_CERT: 'true' })).toEqual([
      'TLS_REQUIRE_CLIENT_CERT: needs TLS_CA_FILE (the CA that signs client certificates)',
    ]);
    expect(problems({ TLS_REQUIRE_CLIENT_CERT: 'true', TLS_CA_FILE: 'ca.pem', TLS_DISABLED: 'true' })).toEqual([
      'TLS_REQUIRE_CLIENT_CERT: cannot be true when TLS_DISABLED=true',
    ]);
    expect(loadEnv({ TLS_DISABLED: 'true' }).tls).toEqual({ disabled: true, requireClientCert: false });
  });
});

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:data/hub.sqlite', { type: 'sqlite', file: 'data/hub.sqlite' }],
    ['sqlite:/abs/x.db', { type: 'sqlite', file: '/abs/x.db' }],
    ['sqlite::memory:', { type: 'sqlite', file: ':memory:' }],
    ['postgres://u:p@h:5432/db', { type: 'postgres', url: 'postgres://u:p@h:5432/db' }],
    ['postgresql://h/db', { type: 'postgres', url: 'postgresql://h/db' }],
  ])('%s', (url, target) => {
    expect(parseDatabaseUrl(url)).toEqual(target);
  });

  it('refuses other schemes and an empty sqlite path', () => {
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow(/must start with/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/needs a file path/);
    expect(problems({ DATABASE_URL: 'sqlite:' })).toEqual([
      expect.stringMatching(/^DATABASE_URL: sqlite: needs a file path/),
    ]);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { stringify } from 'yaml';
import { defineConnector, KIT_VERSION, type ConnectorDefinition } from '@qr-hub/connector-kit';
import { upstreamPaymentRequest } from '@qr-hub/connector-kit/testing';
import { AppConfig } from '@app/config/app-config';
import { loadEnv } from '@app/config/env.validation';
import { ConfigError, parseHubConfig } from '@app/config/load-hub-config';
import { SystemClock } from '@app/clock/clock';
import { ConnectorCatalog } from './connector-catalog';
import { CONNECTORS } from './built-in-connectors';
import { PartnerRegistry } from './partner-registry.service';

/*
 * docs/protocol.md §9, docs/adding-a-connector.md: a partner's options are validated by its
 * connector's own schema when the registry builds it, with the same quality of messages as
 * the rest of the config (key, line, "did you mean"); secrets come from { env } or { file };
 * the earlier flat shape still works with one warning; connectors may come from packages.
 */
const ENV = { WALLET_OUT: 'upstream-secret' };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-'));
  writeFileSync(join(dir, 'wallet-ca.pem'), PEM);
  writeFileSync(join(dir, 'wallet-password'), 'from-a-file\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const electrum = (fields: Record<string, unknown>) => ({ id: 'wallet', connector: 'electrum-http', ...fields });
const options = { baseUrl: 'https://wallet.example/qr/v1', username: 'qr-hub', password: { env: 'WALLET_OUT' } };

function registry(partners: unknown[], env: NodeJS.ProcessEnv = ENV, catalog = new ConnectorCatalog()) {
  const yaml = stringify({
    institutions: [{ id: 'ops', name: 'Ops', role: 'operator', password: { env: 'OPS' } }],
    partners,
  });
  const hub = parseHubConfig(yaml, { sourcePath: join(dir, 'hub.yaml'), env: { OPS: 'ops-secret', ...env } });
  return new PartnerRegistry(new AppConfig(loadEnv({ LOG_LEVEL: 'silent' }), hub), new SystemClock(), catalog);
}

/** The problem lines the registry stops start-up with. */
function problems(partners: unknown[], env?: NodeJS.ProcessEnv, catalog?: ConnectorCatalog): string[] {
  try {
    registry(partners, env, catalog).onModuleInit();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^Invalid hub config \S+hub\.yaml:\n {2}- /);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected the partners to be refused');
}

async function built(partners: unknown[], env?: NodeJS.ProcessEnv, catalog?: ConnectorCatalog) {
  const r = registry(partners, env, catalog);
  r.onModuleInit();
  return { registry: r, close: () => r.onApplicationShutdown() };
}

describe('partner options, validated by the connector (docs/protocol.md §9)', () => {
  it('builds an electrum-http partner from options, reading the password from the environment or a file', async () => {
    const a = await built([electrum({ options })]);
    expect(a.registry.get('wallet')?.type).toBe('electrum-http');
    await a.close();
    const b = await built([electrum({ options: { ...options, password: { file: 'wallet-password' } } })]);
    expect(b.registry.ids()).toEqual(['wallet']);
    await b.close();
  });

  it('names each bad option with its key and line, suggesting the intended key', () => {
    const lines = problems([electrum({ options: { ...options, conections: 8, baseUrl: 'http://wallet.example' } })]);
    expect(lines).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.options\.conections: unknown key; did you mean 'connections'\? \(line \d+\)$/,
      ),
      expect.stringMatching(/^partners\[0\]\.options\.baseUrl: must be https .*\(line \d+\)$/),
    ]);
  });

  it('refuses plaintext secrets, unset variables and unreadable files', () => {
    expect(problems([electrum({ options: { ...options, password: 'plain' } })])).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.options\.password: must be \{ env: NAME \} or \{ file: PATH \}; plaintext/,
      ),
    ]);
    expect(problems([electrum({ options })], {})).toEqual([
      expect.stringMatching(/^partners\[0\]\.options\.password\.env: environment variable WALLET_OUT is not set/),
    ]);
    expect(problems([electrum({ options: { ...options, password: { file: 'missing' } } })])).toEqual([
      expect.stringMatching(/^partners\[0\]\.options\.password\.file: cannot be read: ENOENT/),
    ]);
  });

  it('reads tls.caFile relative to the config file, and refuses a missing one or one without a certificate', async () => {
    const ok = await built([electrum({ options: { ...options, tls: { caFile: 'wallet-ca.pem' } } })]);
    await ok.close();
    expect(problems([electrum({ options: { ...options, tls: { caFile: 'missing.pem' } } })])).toEqual([
      expect.stringMatching(/^partners\[0\]\.options\.tls\.caFile: cannot be read: ENOENT/),
    ]);
    expect(problems([electrum({ options: { ...options, tls: { caFile: 'wallet-password' } } })])).toEqual([
      expect.stringMatching(/^partners\[0\]\.options\.tls\.caFile: does not contain a PEM certificate/),
    ]);
  });

  it('accepts the earlier flat shape with one warning, naming its keys where they were written', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const flat = await built([electrum({ ...options, tls: { caFile: 'wallet-ca.pem' } })]);
      expect(flat.registry.get('wallet')?.type).toBe('electrum-http');
      await flat.close();
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringMatching(
          /^partners\[0\] \(wallet\): baseUrl, username, password, tls beside connector is the earlier config shape; it still works, but move them under options/,
        ),
      ]);
      expect(problems([electrum({ ...options, password: { value: 'plain' } })])).toEqual([
        expect.stringMatching(/^partners\[0\]\.password: must be \{ env: NAME \} or \{ file: PATH \}.*\(line \d+\)$/),
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('names an unknown connector and the known ones', () => {
    expect(problems([{ id: 'x', connector: 'Not A Package' }])).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.connector: unknown connector "Not A Package" \(built in: electrum-http, sandbox;/,
      ),
    ]);
  });
});

describe('production refusals of partners (docs/protocol.md §3)', () => {
  const production = { ...ENV, NODE_ENV: 'production' };

  it('refuses partners whose certificate is not checked', () => {
    expect(problems([electrum({ options: { ...options, tls: { rejectUnauthorized: false } } })], production)).toEqual([
      expect.stringMatching(/^partners\[0\]\.options\.tls\.rejectUnauthorized: must not be false in production/),
    ]);
    expect(problems([electrum({ ...options, tls: { rejectUnauthorized: false } })], production)).toEqual([
      expect.stringMatching(/^partners\[0\]\.tls\.rejectUnauthorized: must not be false/),
    ]);
  });

  it('refuses a partner on the sandbox connector (a simulated wallet that approves everything)', () => {
    expect(problems([electrum({ options }), { id: 'play', connector: 'sandbox' }], production)).toEqual([
      expect.stringMatching(/^partners\[1\]\.connector: 'play' uses the sandbox connector, a simulated wallet/),
    ]);
  });
});

describe('connectors from npm packages (docs/adding-a-connector.md)', () => {
  const PACKAGE = '@acme/qr-connector-zapper';

  let installs = 0;
  /** Installs a package whose main module is `source` into a folder of its own (require caches by path). */
  function install(source: string): ConnectorCatalog {
    const folder = join(dir, `app-${++installs}`);
    const root = join(folder, 'node_modules', ...PACKAGE.split('/'));
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: PACKAGE, version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(root, 'index.js'), source);
    return new ConnectorCatalog(CONNECTORS, createRequire(join(folder, 'package.json')));
  }

  const definition = (kitVersion: string) => `
    exports.connector = {
      type: '${PACKAGE}', kitVersion: '${kitVersion}', description: 'a test wallet',
      options: () => ({ safeParse: (o) => ({ success: true, data: o }) }),
      create: (options, context) => ({
        pay: async () => ({ kind: 'unknown', reason: context.partnerId + ' ' + JSON.stringify(options) }),
        confirm: async () => ({ kind: 'unknown', reason: 'test' }),
        reverse: async () => ({ kind: 'unknown', reason: 'test' }) }),
    };`;

  it('loads an installed package named in config, passing it its options', async () => {
    const catalog = install(definition(KIT_VERSION));
    const { registry: r, close } = await built(
      [{ id: 'zap', connector: PACKAGE, options: { region: 'za' } }],
      ENV,
      catalog,
    );
    expect(r.get('zap')?.type).toBe(PACKAGE);
    await expect(r.get('zap')?.connector.pay(upstreamPaymentRequest(1000), { timeoutMs: 1_000 })).resolves.toEqual({
      kind: 'unknown',
      reason: 'zap {"region":"za"}',
    });
    await close();
  });

  it('names a package that is not installed', () => {
    expect(
      problems(
        [{ id: 'zap', connector: PACKAGE }],
        ENV,
        new ConnectorCatalog(CONNECTORS, createRequire(join(dir, 'x.js'))),
      ),
    ).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.connector: unknown connector "@acme\/qr-connector-zapper": not built in \(electrum-http, sandbox\) and no package of that name is installed \(npm install @acme\/qr-connector-zapper\)/,
      ),
    ]);
  });

  it('refuses a package built for another major version of the kit, or exporting no connector', () => {
    expect(problems([{ id: 'zap', connector: PACKAGE }], ENV, install(definition('2.0.0')))).toEqual([
      expect.stringMatching(
        /built for connector kit 2\.0\.0; this hub has 1\.\d+\.\d+ \(the major versions must match/,
      ),
    ]);
    expect(problems([{ id: 'zap', connector: PACKAGE }], ENV, install('exports.nothing = 1;'))).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.connector: connector package "@acme\/qr-connector-zapper" exports no connector/,
      ),
    ]);
    expect(problems([{ id: 'zap', connector: PACKAGE }], ENV, install("throw new Error('broken build');"))).toEqual([
      expect.stringMatching(/connector package "@acme\/qr-connector-zapper" failed to load: broken build/),
    ]);
  });

  it('names a package whose options schema or create() throws, instead of a stack trace', () => {
    const throwing = (where: 'options' | 'create') =>
      install(
        definition(KIT_VERSION).replace(
          where === 'options' ? 'options: () =>' : 'create: (options, context) =>',
          where === 'options'
            ? "options: () => { throw new Error('no such helper'); }, unused: () =>"
            : "create: () => { throw new Error('bad region'); }, unused: (options, context) =>",
        ),
      );
    expect(problems([{ id: 'zap', connector: PACKAGE }], ENV, throwing('options'))).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.connector: the @acme\/qr-connector-zapper connector's options schema failed: no such helper/,
      ),
    ]);
    expect(problems([{ id: 'zap', connector: PACKAGE }], ENV, throwing('create'))).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.connector: the @acme\/qr-connector-zapper connector's create\(\) failed: bad region/,
      ),
    ]);
  });

  it('a connector made with defineConnector carries the kit version it was built against', () => {
    const made: ConnectorDefinition = defineConnector({
      type: 'x',
      description: 'x',
      options: (h) => h.object({}),
      create: () => ({ pay: jest.fn(), confirm: jest.fn(), reverse: jest.fn() }),
    });
    expect(made.kitVersion).toBe(KIT_VERSION);
  });
});

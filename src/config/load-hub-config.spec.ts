import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { Test } from '@nestjs/testing';
import { verifyPasswordHash } from '@app/common/password-hash';
import { AppConfig, loadAppConfig } from '@app/config/app-config';
import { ConfigModule } from '@app/config/config.module';
import { DEMO_CREDENTIALS } from '@app/config/demo-credentials';
import { ConfigError, HubConfig, loadHubConfig, parseHubConfig } from '@app/config/load-hub-config';

const DEMO_PATH = resolve(__dirname, '../../config/hub.yaml');
const HASH = 'scrypt$16384$8$1$AO4JQTcdUlxZQaaHxnQCYA==$/c7Q/I1SWZii8H5BKT1QKwYN7D/Fe3TwmYbJxOb4QzA=';

/** A small valid config as a plain object, to be tweaked per test. */
function base(): Record<string, unknown> {
  return {
    institutions: [
      { id: 'shop', name: 'Shop', role: 'retailer', password: { env: 'SHOP_PASSWORD' } },
      { id: 'wallet', name: 'Wallet', role: 'partner', password: { hash: HASH } },
    ],
    partners: [{ id: 'wallet', connector: 'electrum-http', baseUrl: 'https://wallet.example/qr/v1' }],
  };
}

const ENV = { SHOP_PASSWORD: 'shop-secret', WALLET_PASSWORD: 'wallet-secret' };

function parse(doc: unknown, env: NodeJS.ProcessEnv = ENV, sourcePath = '/etc/hub/hub.yaml'): HubConfig {
  return parseHubConfig(typeof doc === 'string' ? doc : stringify(doc), { sourcePath, env });
}

/** The problem lines of the ConfigError thrown for `doc`. */
function problems(doc: unknown, env: NodeJS.ProcessEnv = ENV, sourcePath?: string): string[] {
  try {
    parse(doc, env, sourcePath);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^Invalid hub config \S+:\n {2}- /);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected the config to be refused');
}

describe('hub config file (docs/protocol.md §9)', () => {
  it('loads the demo config shipped in config/', async () => {
    const cfg = loadHubConfig(DEMO_PATH, {});
    expect(cfg.sourcePath).toBe(DEMO_PATH);
    expect(cfg.hub).toEqual({ institutionId: 'qr-hub', name: 'QR Hub' });
    expect(cfg.institutions.map((i) => [i.id, i.role])).toEqual([
      ['1234', 'retailer'],
      ['sandbox', 'partner'],
      ['ops', 'operator'],
      ['auditor', 'viewer'],
    ]);
    expect(cfg.partners).toEqual([
      { id: 'sandbox', connector: 'sandbox', timeoutMs: 25000, options: {}, flatKeys: [] },
    ]);
    // The hashes in the file are those of the documented demo passwords.
    const byId = new Map(cfg.institutions.map((i) => [i.id, i.secret]));
    for (const { username, password } of Object.values(DEMO_CREDENTIALS)) {
      const secret = byId.get(username);
      expect(secret?.kind).toBe('scrypt');
      await expect(verifyPasswordHash(secret?.kind === 'scrypt' ? secret.hash : '', password)).resolves.toBe(true);
    }
  });

  it("loads docs/protocol.md §9's own example, whose sandbox partner has no institution", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs/wallet-a-ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    // Verbatim but for the elided hash.
    const example = `
hub:
  institutionId: qr-hub          # the hub's id upstream (client.id, thirdPartyIdentifiers)
  name: QR Hub
qr:
  providerId: za.co.elec         # sub-tag 00 of the merchant account template
  templateTag: 26
  defaultTtlSeconds: 300
timeouts:
  scanWaitMs: 30000
  partnerTimeoutMs: 25000
  earlyScanGraceMs: 0
saf:
  initialDelayMs: 1000
  maxDelayMs: 60000
institutions:                    # who may call the hub; Basic-auth username = id
  - id: "1234"
    name: Demo Retailer
    role: retailer
    password: { env: DEMO_RETAILER_PASSWORD }   # or { hash: "scrypt$…" }
  - id: wallet-a
    name: Wallet A
    role: partner
    password: { hash: "${HASH}" }
partners:                        # where payments scanned by a partner go
  - id: wallet-a
    connector: electrum-http
    options:                     # validated by the connector's own schema
      baseUrl: https://127.0.0.1:9443/qr/v1
      username: qr-hub
      password: { env: WALLET_A_PASSWORD }       # secrets: { env: NAME } or { file: PATH }
      tls: { caFile: certs/wallet-a-ca.pem }     # or rejectUnauthorized: false (not in production)
  - id: sandbox
    connector: sandbox           # refused in production
`;
    try {
      const env = { DEMO_RETAILER_PASSWORD: 'retailer-secret', WALLET_A_PASSWORD: 'wallet-a-secret' };
      const cfg = parse(example, env, join(dir, 'hub.yaml'));
      expect(cfg.partners.map((p) => [p.id, p.connector])).toEqual([
        ['wallet-a', 'electrum-http'],
        ['sandbox', 'sandbox'],
      ]);
      expect(cfg.partners[0].options).toMatchObject({ baseUrl: 'https://127.0.0.1:9443/qr/v1', username: 'qr-hub' });
      expect(cfg.partners[0].flatKeys).toEqual([]);
      expect(cfg.institutions.map((i) => [i.id, i.role])).toEqual([
        ['1234', 'retailer'],
        ['wallet-a', 'partner'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fills in the documented defaults and resolves secrets', () => {
    const cfg = parse(base());
    expect(cfg.qr).toEqual({ providerId: 'za.co.elec', templateTag: 26, defaultTtlSeconds: 300 });
    expect(cfg.timeouts).toEqual({
      scanWaitMs: 30000,
      partnerTimeoutMs: 25000,
      earlyScanGraceMs: 0,
      retailerTimeoutMs: 60000,
    });
    expect(cfg.saf).toEqual({ initialDelayMs: 1000, maxDelayMs: 60000, leaseMs: 30000, batchSize: 100 });
    expect(cfg.institutions[0].secret).toEqual({ kind: 'plain', value: 'shop-secret' });
    expect(cfg.institutions[1].secret).toEqual({ kind: 'scrypt', hash: HASH });
  });

  it('names a missing required key', () => {
    const doc = base();
    delete (doc.institutions as Record<string, unknown>[])[0].role;
    expect(problems(doc)).toEqual([expect.stringMatching(/^institutions\[0\]\.role: Required \(line \d+\)$/)]);
  });

  it('the console shows times in one IANA zone and cuts business days at a local time (UTC, 00:00 unless set)', () => {
    expect(parse(base()).console).toEqual({ timeZone: 'UTC', businessDayCutoff: '00:00' });
    const set = { timeZone: 'Africa/Johannesburg', businessDayCutoff: '18:00' };
    expect(parse({ ...base(), console: set }).console).toEqual(set);
    expect(problems({ ...base(), console: { timeZone: 'Mars/Olympus', businessDayCutoff: '24:00' } })).toEqual([
      expect.stringMatching(/^console\.timeZone: must be an IANA time zone name such as Africa\/Johannesburg or UTC/),
      expect.stringMatching(/^console\.businessDayCutoff: must be a time of day HH:MM \(00:00 to 23:59\)/),
    ]);
  });

  it('refuses a template tag outside 26..51', () => {
    expect(problems({ ...base(), qr: { templateTag: 60 } })).toEqual([
      expect.stringMatching(/^qr\.templateTag: must be a whole number from 26 to 51/),
    ]);
  });

  it('refuses scanWaitMs + partnerTimeoutMs above the retailer timeout, naming both keys (docs/protocol.md §5.6)', () => {
    const [line] = problems({ ...base(), timeouts: { scanWaitMs: 40000, partnerTimeoutMs: 25000 } });
    expect(line).toMatch(
      /^timeouts\.partnerTimeoutMs: timeouts\.scanWaitMs \(40000\) \+ timeouts\.partnerTimeoutMs \(25000\)/,
    );
    expect(line).toContain('timeouts.retailerTimeoutMs (60000)');
  });

  it('applies the same budget to a per-partner timeout override', () => {
    const doc = base();
    (doc.partners as Record<string, unknown>[])[0].timeoutMs = 29000;
    expect(problems({ ...doc, timeouts: { scanWaitMs: 35000 } })).toEqual([
      expect.stringMatching(/^partners\[0\]\.timeoutMs: timeouts\.scanWaitMs \(35000\) \+ partners\[0\]\.timeoutMs/),
    ]);
    expect(parse({ ...doc, timeouts: { scanWaitMs: 30000 } }).partners[0].timeoutMs).toBe(29000);
  });

  it('names the key and the variable when an { env } secret is not set', () => {
    expect(problems(base(), {})).toEqual([
      expect.stringMatching(/^institutions\[0\]\.password\.env: environment variable SHOP_PASSWORD is not set/),
    ]);
    expect(problems(base(), { SHOP_PASSWORD: '' })[0]).toContain('SHOP_PASSWORD is empty');
  });

  it('refuses unknown keys instead of ignoring them, suggesting the intended key', () => {
    const lines = problems({ ...base(), timeouts: { scanWaitMS: 5000 }, partner: [] });
    expect(lines).toContainEqual(
      expect.stringMatching(/^timeouts\.scanWaitMS: unknown key; did you mean 'scanWaitMs'\?/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^partner: unknown key; did you mean 'partners'\?/));
  });

  it('refuses duplicate institution and partner ids', () => {
    const doc = base();
    (doc.institutions as unknown[]).push({ id: 'shop', name: 'Again', role: 'retailer', password: { hash: HASH } });
    (doc.partners as unknown[]).push({ id: 'wallet', connector: 'sandbox' });
    const lines = problems(doc);
    expect(lines).toContainEqual(expect.stringMatching(/^institutions\[2\]\.id: duplicate institution id 'shop'/));
    expect(lines).toContainEqual(expect.stringMatching(/^partners\[1\]\.id: duplicate partner id 'wallet'/));
  });

  it('reports YAML syntax errors with their line number', () => {
    const text = 'hub:\n  name: QR Hub\ninstitutions: [\n  { id: a\nqr: {}\n';
    expect(problems(text)[0]).toMatch(/^line \d+, column \d+: .* \(YAML syntax error\)$/);
    expect(problems('qr: {}\nqr: {}\n')).toEqual(['line 2, column 1: Map keys must be unique (YAML syntax error)']);
  });

  it('accepts a partner without an institution (direct routing only), not one whose id has another role', () => {
    const doc = base();
    (doc.partners as unknown[]).push({ id: 'bank', connector: 'sandbox' });
    expect(parse(doc).partners.map((p) => p.id)).toEqual(['wallet', 'bank']);

    (doc.partners as unknown[]).push({ id: 'shop', connector: 'sandbox' });
    expect(problems(doc)).toEqual([
      expect.stringMatching(/^partners\[2\]\.id: 'shop' is also institutions\[0\] with role retailer; /),
    ]);
  });

  it('refuses plaintext and malformed institution passwords', () => {
    const doc = base();
    const inst = (doc.institutions as Record<string, unknown>[])[1];
    inst.password = 'wallet-pass';
    expect(problems(doc)).toEqual([
      expect.stringMatching(/^institutions\[1\]\.password: .*plaintext passwords are refused/),
    ]);
    inst.password = { hash: 'scrypt$1$2' };
    expect(problems(doc)).toEqual([expect.stringMatching(/^institutions\[1\]\.password\.hash: is not a valid scrypt/)]);
  });

  it('refuses ids longer than the 256 characters a message may carry as client.id or partner.id', () => {
    const doc = base();
    const institutions = doc.institutions as Record<string, unknown>[];
    institutions[0].id = 'a'.repeat(256);
    expect(() => parse(doc)).not.toThrow();
    institutions[0].id = 'a'.repeat(257);
    expect(problems(doc)).toEqual([expect.stringMatching(/^institutions\[0\]\.id: must be at most 256 characters/)]);
  });

  it('refuses unquoted numeric ids, which YAML would turn into numbers', () => {
    const text = stringify(base()).replace('id: shop', 'id: 01234');
    expect(problems(text)).toEqual([expect.stringMatching(/^institutions\[0\]\.id: must be a string \(quote it/)]);
  });

  it("keeps a partner's options for its connector, moving the earlier flat shape under options", () => {
    const doc = base();
    const partner = (doc.partners as Record<string, unknown>[])[0];
    Object.assign(partner, { username: 'qr-hub', options: { connections: 8 } });
    expect(parse(doc).partners[0]).toEqual({
      id: 'wallet',
      connector: 'electrum-http',
      timeoutMs: 25000,
      options: { baseUrl: 'https://wallet.example/qr/v1', username: 'qr-hub', connections: 8 },
      flatKeys: ['baseUrl', 'username'],
    });
    partner.options = { baseUrl: 'https://other.example' };
    expect(problems(doc)).toEqual([
      expect.stringMatching(
        /^partners\[0\]\.baseUrl: also given as options\.baseUrl; keep only options\.baseUrl \(line \d+\)/,
      ),
    ]);
  });

  it('checks the store-and-forward settings (docs/protocol.md §10)', () => {
    expect(problems({ ...base(), saf: { initialDelayMs: 5000, maxDelayMs: 1000 } })).toEqual([
      expect.stringMatching(/^saf\.maxDelayMs: must be at least saf\.initialDelayMs \(5000\)/),
    ]);
    expect(problems({ ...base(), saf: { leaseMs: 60000 } })[0]).toMatch(
      /^saf\.leaseMs: must be a whole number from 1000 to 30000/,
    );
    expect(parse({ ...base(), saf: { leaseMs: 20000 } }).saf.leaseMs).toBe(20000);
  });

  it('accepts partner timeouts longer than the outbox lease, within the retailer budget (docs/protocol.md §5.6, §10)', () => {
    const doc = base();
    const cfg = parse({ ...doc, timeouts: { scanWaitMs: 20000, partnerTimeoutMs: 35000 } });
    expect(cfg.saf.leaseMs).toBe(30000);
    expect(cfg.partners[0].timeoutMs).toBe(35000);

    (doc.partners as Record<string, unknown>[])[0].timeoutMs = 40000;
    expect(parse({ ...doc, timeouts: { scanWaitMs: 20000 } }).partners[0].timeoutMs).toBe(40000);
    expect(problems({ ...doc, timeouts: { scanWaitMs: 20000, partnerTimeoutMs: 40001 } })).toEqual([
      expect.stringMatching(/^timeouts\.partnerTimeoutMs: .* = 60001 exceeds timeouts\.retailerTimeoutMs \(60000\)/),
    ]);
  });

  it('reports every problem at once', () => {
    const doc = { ...base(), qr: { templateTag: 99, defaultTtlSeconds: 0 }, hub: { name: '' } };
    expect(problems(doc)).toHaveLength(3);
  });

  it('says so when the file is missing or empty', () => {
    expect(() => loadHubConfig('/nonexistent/hub.yaml', {})).toThrow(
      /^Invalid hub config \/nonexistent\/hub\.yaml:\n {2}- cannot read the file \(file not found\)/,
    );
    expect(problems('# nothing here\n')).toEqual(['(top level): the file is empty']);
  });
});

describe('AppConfig and ConfigModule', () => {
  it('loads env and the file HUB_CONFIG names, and provides them to Nest as AppConfig', async () => {
    const config = loadAppConfig({ HUB_CONFIG: DEMO_PATH, PORT: '0' });
    expect(config.env.port).toBe(0);
    expect(config.hub.sourcePath).toBe(DEMO_PATH);

    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config)] }).compile();
    expect(moduleRef.get(AppConfig)).toBe(config);
  });

  it('stops at a bad environment before reading the file', () => {
    expect(() => loadAppConfig({ HUB_CONFIG: '/nonexistent.yaml', PORT: 'x' })).toThrow(
      /^Invalid environment:\n {2}- PORT/,
    );
  });
});

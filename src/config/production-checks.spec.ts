import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { hashPassword } from '@app/common/password-hash';
import { DEMO_PASSWORDS } from '@app/config/demo-credentials';
import { loadEnv } from '@app/config/env.validation';
import { ConfigError, HubConfig, loadHubConfig, parseHubConfig } from '@app/config/load-hub-config';
import { assertProductionReady } from '@app/config/production-checks';

const DEMO_PATH = resolve(__dirname, '../../config/hub.yaml');
const PROD_ENV = loadEnv({ NODE_ENV: 'production', TLS_CERT_FILE: '/tls/cert.pem', TLS_KEY_FILE: '/tls/key.pem' });

/** A production-like config; `retailerPassword` is the retailer's secret as written in YAML. */
function config(
  retailerPassword: unknown,
  env: NodeJS.ProcessEnv = {},
  partnerTls: unknown = {},
  extraPartners: unknown[] = [],
): HubConfig {
  const doc = {
    institutions: [
      { id: 'shop-17', name: 'Shop 17', role: 'retailer', password: retailerPassword },
      { id: 'wallet', name: 'Wallet', role: 'partner', password: { env: 'WALLET_IN' } },
    ],
    partners: [
      {
        id: 'wallet',
        connector: 'electrum-http',
        baseUrl: 'https://wallet.example/qr/v1',
        username: 'qr-hub',
        password: { env: 'WALLET_OUT' },
        tls: partnerTls,
      },
      ...extraPartners,
    ],
  };
  return parseHubConfig(stringify(doc), {
    sourcePath: '/etc/hub/hub.yaml',
    env: { WALLET_IN: 'Zq8-wallet-inbound-long-secret', WALLET_OUT: 'upstream-secret', ...env },
  });
}

async function refusal(cfg: HubConfig, env = PROD_ENV): Promise<string[]> {
  const err: unknown = await assertProductionReady(cfg, env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(/^Refusing to start in production with \/etc\/hub\/hub\.yaml:\n {2}- /);
  return [...(err as ConfigError).problems];
}

describe('production refusals (docs/protocol.md §3)', () => {
  it('does nothing outside production, even with the demo config', async () => {
    await expect(assertProductionReady(loadHubConfig(DEMO_PATH, {}), loadEnv({}))).resolves.toBeUndefined();
  });

  // Partners (the sandbox wallet, unchecked certificates) are refused by their connectors: partner-registry.service.spec.ts.
  it('refuses the demo config: demo passwords, no certificate', async () => {
    const cfg = { ...loadHubConfig(DEMO_PATH, {}), sourcePath: '/etc/hub/hub.yaml' };
    const lines = await refusal(cfg, loadEnv({ NODE_ENV: 'production' }));
    expect(lines).toEqual([
      expect.stringMatching(/^TLS_CERT_FILE, TLS_KEY_FILE: a certificate and key are required in production/),
      expect.stringMatching(/^institutions\[0\]\.password: '1234' uses a public demo password/),
      expect.stringMatching(/^institutions\[1\]\.password: 'sandbox' uses a public demo password/),
      expect.stringMatching(/^institutions\[2\]\.password: 'ops' uses a public demo password/),
      expect.stringMatching(/^institutions\[3\]\.password: 'auditor' uses a public demo password/),
    ]);
  });

  it('catches a demo password hashed afresh (new salt), not only the shipped hash', async () => {
    const cfg = config({ hash: await hashPassword(DEMO_PASSWORDS[0]) });
    expect(await refusal(cfg)).toEqual([
      expect.stringMatching(/^institutions\[0\]\.password: 'shop-17' uses a public demo password/),
    ]);
  });

  it('catches a demo password given as plaintext through the environment', async () => {
    const cfg = config({ env: 'SHOP_PASSWORD' }, { SHOP_PASSWORD: 'demo-operator' });
    expect(await refusal(cfg)).toEqual([expect.stringMatching(/^institutions\[0\]\.password: 'shop-17'/)]);
  });

  it('accepts a proper production config', async () => {
    const cfg = config({ hash: await hashPassword('a-real-retailer-secret') });
    await expect(assertProductionReady(cfg, PROD_ENV)).resolves.toBeUndefined();
    // Behind a TLS-terminating proxy no certificate is needed, but the proxy is named.
    await expect(
      assertProductionReady(cfg, loadEnv({ NODE_ENV: 'production', TLS_DISABLED: 'true', TRUST_PROXY: '10.0.0.5' })),
    ).resolves.toBeUndefined();
    await expect(
      assertProductionReady(cfg, loadEnv({ NODE_ENV: 'production', TLS_DISABLED: 'true', TRUST_PROXY: 'none' })),
    ).resolves.toBeUndefined();
  });

  it('refuses TLS_DISABLED without an explicit TRUST_PROXY (the default trusts every private address)', async () => {
    const cfg = config({ hash: await hashPassword('a-real-retailer-secret') });
    expect(await refusal(cfg, loadEnv({ NODE_ENV: 'production', TLS_DISABLED: 'true' }))).toEqual([
      expect.stringMatching(/^TRUST_PROXY: must be set in production when TLS_DISABLED=true/),
    ]);
  });
});

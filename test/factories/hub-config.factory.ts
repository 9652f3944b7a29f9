/** Credentials the test hubs accept (plaintext from env, as an operator may configure). */
export const RETAILER = { id: '1234', password: 'retailer-secret' };
export const OTHER_RETAILER = { id: '5678', password: 'other-retailer-secret' };
export const WALLET = { id: 'wallet-a', password: 'wallet-secret' };
export const SANDBOX = { id: 'sandbox', password: 'sandbox-secret' };
export const OPERATOR = { id: 'ops', password: 'operator-secret' };
/** An operator who may only look (role viewer). */
export const VIEWER = { id: 'auditor', password: 'viewer-secret' };
/** What the hub sends to the test partner server. */
export const HUB_UPSTREAM = { username: 'qr-hub', password: 'hub-upstream-secret' };

export const TEST_ENV: NodeJS.ProcessEnv = {
  T_RETAILER_PW: RETAILER.password,
  T_OTHER_RETAILER_PW: OTHER_RETAILER.password,
  T_WALLET_PW: WALLET.password,
  T_SANDBOX_PW: SANDBOX.password,
  T_OPERATOR_PW: OPERATOR.password,
  T_VIEWER_PW: VIEWER.password,
  T_HUB_UPSTREAM_PW: HUB_UPSTREAM.password,
};

export interface TestHubConfigOptions {
  /** Base URL of the real HTTPS partner server the `wallet-a` partner points at. */
  walletBaseUrl?: string;
  walletCaFile?: string;
  scanWaitMs?: number;
  partnerTimeoutMs?: number;
  earlyScanGraceMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** The `retention:` section's keys (the hub's defaults otherwise). */
  retention?: Record<string, number | string>;
  heldPaymentsPerRetailer?: number;
  /**
   * Overload admission (src/partners/admission.ts). Off in tests unless asked for (60 s): a test
   * runs in the same event loop as its hub, and its own work would count as the hub's load.
   */
  maxEventLoopDelayMs?: number;
  partnerCallsInFlight?: number;
  /** The `console:` section's keys (UTC and midnight otherwise). */
  console?: { timeZone?: string; businessDayCutoff?: string };
  /** More `partners:` entries (e.g. on a connector type a test hands in). */
  extraPartners?: Array<Record<string, unknown>>;
}

/** The YAML of a hub config for tests (docs/protocol.md §9 shape). */
export function testHubConfigYaml(o: TestHubConfigOptions = {}): string {
  const wallet = o.walletBaseUrl
    ? `
  - id: wallet-a
    connector: electrum-http
    options:
      baseUrl: ${o.walletBaseUrl}
      username: ${HUB_UPSTREAM.username}
      password: { env: T_HUB_UPSTREAM_PW }${
        o.walletCaFile
          ? `
      tls: { caFile: ${JSON.stringify(o.walletCaFile)} }`
          : ''
      }`
    : '';
  return `
hub: { institutionId: qr-hub, name: QR Hub }
qr: { providerId: za.co.elec, templateTag: 26, defaultTtlSeconds: 300 }
timeouts:
  scanWaitMs: ${o.scanWaitMs ?? 30000}
  partnerTimeoutMs: ${o.partnerTimeoutMs ?? 25000}
  earlyScanGraceMs: ${o.earlyScanGraceMs ?? 0}
  retailerTimeoutMs: 60000
saf: { initialDelayMs: ${o.initialDelayMs ?? 1000}, maxDelayMs: ${o.maxDelayMs ?? 60000}, leaseMs: 30000, batchSize: 100 }
${o.retention ? `retention: ${JSON.stringify(o.retention)}` : ''}
limits: { heldPaymentsPerRetailer: ${o.heldPaymentsPerRetailer ?? 200}, maxEventLoopDelayMs: ${o.maxEventLoopDelayMs ?? 60000}, partnerCallsInFlight: ${o.partnerCallsInFlight ?? 512} }
${o.console ? `console: ${JSON.stringify(o.console)}` : ''}
institutions:
  - { id: "${RETAILER.id}", name: Test Retailer, role: retailer, password: { env: T_RETAILER_PW } }
  - { id: "${OTHER_RETAILER.id}", name: Other Retailer, role: retailer, password: { env: T_OTHER_RETAILER_PW } }
  - { id: ${WALLET.id}, name: Wallet A, role: partner, password: { env: T_WALLET_PW } }
  - { id: ${SANDBOX.id}, name: Sandbox Wallet, role: partner, password: { env: T_SANDBOX_PW } }
  - { id: ${OPERATOR.id}, name: Operator, role: operator, password: { env: T_OPERATOR_PW } }
  - { id: ${VIEWER.id}, name: Auditor, role: viewer, password: { env: T_VIEWER_PW } }
partners:
  - { id: sandbox, connector: sandbox }${wallet}${(o.extraPartners ?? []).map((p) => `\n  - ${JSON.stringify(p)}`).join('')}
`;
}

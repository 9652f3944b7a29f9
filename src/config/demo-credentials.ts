/**
 * Credentials of the demo institutions in `config/hub.yaml`. They are public
 * (in the README and this repo), so production mode refuses any institution
 * whose password is one of them, whether given as plaintext or as a hash
 * (docs/protocol.md §3).
 */
export const DEMO_CREDENTIALS = Object.freeze({
  retailer: Object.freeze({ username: '1234', password: 'demo-retailer' }),
  partner: Object.freeze({ username: 'sandbox', password: 'demo-sandbox' }),
  operator: Object.freeze({ username: 'ops', password: 'demo-operator' }),
  viewer: Object.freeze({ username: 'auditor', password: 'demo-viewer' }),
});

/** The demo passwords, refused in production by `assertProductionReady`. */
export const DEMO_PASSWORDS: readonly string[] = Object.freeze(Object.values(DEMO_CREDENTIALS).map((c) => c.password));

import { verifyPasswordHash } from '@app/common/password-hash';
import { DEMO_PASSWORDS } from '@app/config/demo-credentials';
import { EnvConfig } from '@app/config/env.validation';
import { ConfigError, HubConfig, InstitutionConfig } from '@app/config/load-hub-config';

/**
 * In production mode (`NODE_ENV=production`) refuses to start (docs/protocol.md §3) when:
 * TLS is on but no certificate/key is configured (the self-signed fallback is
 * for development); any institution uses a demo password, as plaintext or as
 * a hash of it (so a hash copied from the demo config is caught too); TLS is
 * off and TRUST_PROXY is not set (the default trusts `X-Forwarded-For` from
 * every private address, so a client there could pick the address the login
 * throttle counts). Throws one {@link ConfigError} listing every problem;
 * outside production it does nothing. Partners are checked by their connectors
 * when the partner registry builds them: a connector not allowed in production
 * (the sandbox) and `tls.rejectUnauthorized: false` are refused there.
 */
export async function assertProductionReady(cfg: HubConfig, env: EnvConfig): Promise<void> {
  if (!env.production) return;
  const problems: string[] = [];

  if (!env.tls.disabled && (!env.tls.certFile || !env.tls.keyFile)) {
    problems.push(
      'TLS_CERT_FILE, TLS_KEY_FILE: a certificate and key are required in production ' +
        '(or TLS_DISABLED=true behind a TLS-terminating proxy)',
    );
  }

  if (env.tls.disabled && !env.trustProxyGiven) {
    problems.push(
      'TRUST_PROXY: must be set in production when TLS_DISABLED=true (the address of the TLS-terminating proxy, or none)',
    );
  }

  const demoUsers = await Promise.all(cfg.institutions.map(usesDemoPassword));
  cfg.institutions.forEach((inst, i) => {
    if (demoUsers[i]) {
      problems.push(`institutions[${i}].password: '${inst.id}' uses a public demo password; set a real one`);
    }
  });

  if (problems.length > 0) {
    throw new ConfigError(`Refusing to start in production with ${cfg.sourcePath}`, problems);
  }
}

/*
 * Hashes are checked against each demo password with scrypt (tens of ms
 * each). That happens once at start-up; the institutions are checked in
 * parallel on libuv's thread pool.
 */
async function usesDemoPassword(inst: InstitutionConfig): Promise<boolean> {
  const { secret } = inst;
  if (secret.kind === 'plain') return DEMO_PASSWORDS.includes(secret.value);
  for (const demo of DEMO_PASSWORDS) {
    if (await verifyPasswordHash(secret.hash, demo)) return true;
  }
  return false;
}

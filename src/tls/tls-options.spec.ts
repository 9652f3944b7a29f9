import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { loadEnv } from '@app/config/env.validation';
import { resolveTlsOptions } from './tls-options';

/** Keeps what the hub says instead of printing it. */
class Said extends Logger {
  readonly lines: string[] = [];
  override warn(message: unknown): void {
    this.lines.push(String(message));
  }
}

describe('TLS options (docs/protocol.md §3)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'qr-hub-tls-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('with no certificate outside production, makes a self-signed one on first start, says so, and keeps it', () => {
    const said = new Said();
    const first = resolveTlsOptions(loadEnv({ DATA_DIR: dataDir }), said);
    const cert = new X509Certificate(String(first?.cert));
    expect(cert.subject).toContain('CN=localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(said.lines[0]).toMatch(/^Made a self-signed certificate .*self-signed\.crt/);
    expect(statSync(join(dataDir, 'tls', 'self-signed.key')).mode & 0o077).toBe(0);

    const again = resolveTlsOptions(loadEnv({ DATA_DIR: dataDir }), said);
    expect(String(again?.cert)).toBe(String(first?.cert));
    expect(said.lines[1]).toMatch(/^Using a self-signed certificate/);
  });

  it('asks clients for a certificate only with TLS_REQUIRE_CLIENT_CERT', () => {
    const env = (extra: NodeJS.ProcessEnv) => loadEnv({ DATA_DIR: dataDir, TLS_CA_FILE: __filename, ...extra });
    expect(resolveTlsOptions(env({ TLS_REQUIRE_CLIENT_CERT: 'true' }), new Said())).toMatchObject({
      requestCert: true,
      rejectUnauthorized: true,
    });
    expect(resolveTlsOptions(env({}), new Said())).toMatchObject({ requestCert: false, rejectUnauthorized: false });
  });

  it('serves plain HTTP only when TLS_DISABLED=true, and warns', () => {
    const said = new Said();
    expect(resolveTlsOptions(loadEnv({ TLS_DISABLED: 'true' }), said)).toBeUndefined();
    expect(said.lines[0]).toMatch(/plain HTTP/);
  });

  it('with TLS_DISABLED and no TRUST_PROXY outside production, warns that private addresses are trusted', () => {
    const said = new Said();
    resolveTlsOptions(loadEnv({ TLS_DISABLED: 'true' }), said);
    expect(said.lines[1]).toMatch(/^TRUST_PROXY is not set: X-Forwarded-For is trusted from loopback and private/);

    const quiet = new Said();
    resolveTlsOptions(loadEnv({ TLS_DISABLED: 'true', TRUST_PROXY: '10.0.0.5' }), quiet);
    expect(quiet.lines).toHaveLength(1);
  });
});

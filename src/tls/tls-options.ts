import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecureVersion } from 'node:tls';
import type { HttpsOptions as NestHttpsOptions } from '@nestjs/common/interfaces/external/https-options.interface';
import { Logger } from '@nestjs/common';
import { generate } from 'selfsigned';
import type { EnvConfig } from '@app/config/env.validation';

/** Nest's type lacks the minimum protocol version, which Node's TLS server takes. */
export type HttpsOptions = NestHttpsOptions & { minVersion?: SecureVersion };

/**
 * Mozilla's "intermediate" profile: TLS 1.2 only with ECDHE key exchange
 * (forward secrecy) and AEAD ciphers (no CBC, no SHA-1 MAC); TLS 1.3 with
 * its three standard suites. Node takes both lists from `ciphers`, and an
 * entry-free TLS 1.3 part would switch TLS 1.3 off, so the suites are named.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * HTTPS options for the hub (docs/protocol.md §3): the configured certificate, optional
 * mutual TLS, or — outside production, with nothing configured — a
 * self-signed certificate made on first start and kept under DATA_DIR.
 * Returns undefined when TLS_DISABLED=true (plain HTTP behind a proxy).
 */
export function resolveTlsOptions(env: EnvConfig, logger = new Logger('TLS')): HttpsOptions | undefined {
  if (env.tls.disabled) {
    logger.warn('TLS_DISABLED=true: serving plain HTTP; put a TLS-terminating proxy in front');
    if (!env.trustProxyGiven) {
      logger.warn(
        'TRUST_PROXY is not set: X-Forwarded-For is trusted from loopback and private addresses; ' +
          "set TRUST_PROXY to your proxy's address (or none)",
      );
    }
    return undefined;
  }
  const base: HttpsOptions = { minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS };
  if (env.tls.caFile) {
    base.ca = readFileSync(env.tls.caFile);
    base.requestCert = env.tls.requireClientCert;
    base.rejectUnauthorized = env.tls.requireClientCert;
  }
  if (env.tls.certFile && env.tls.keyFile) {
    return { ...base, cert: readFileSync(env.tls.certFile), key: readFileSync(env.tls.keyFile) };
  }
  const { cert, key, created } = selfSignedCertificate(env.dataDir);
  logger.warn(
    `${created ? 'Made' : 'Using'} a self-signed certificate ${join(env.dataDir, 'tls', 'self-signed.crt')} ` +
      '(set TLS_CERT_FILE and TLS_KEY_FILE for a real one)',
  );
  return { ...base, cert, key };
}

function selfSignedCertificate(dataDir: string): { cert: string; key: string; created: boolean } {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'self-signed.crt');
  const keyFile = join(dir, 'self-signed.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), created: false };
  }
  const pems = generate([{ name: 'commonName', value: 'localhost' }], {
    days: 825,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { cert: pems.cert, key: pems.private, created: true };
}

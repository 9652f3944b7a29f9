import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The self-signed localhost certificate made once by global-setup.js, used by
 * the hub and the partner servers; test clients trust it as their CA, so TLS
 * is verified for real.
 */
export interface TestTls {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export function testTls(): TestTls {
  const dir = join(tmpdir(), 'qr-hub-test-tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  return { dir, certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

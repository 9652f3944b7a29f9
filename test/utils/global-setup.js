// Makes the shared test certificate once, before any worker starts.
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { generate } = require('selfsigned');

module.exports = async function globalSetup() {
  const dir = join(tmpdir(), 'qr-hub-test-tls');
  if (existsSync(join(dir, 'cert.pem')) && existsSync(join(dir, 'key.pem'))) return;
  mkdirSync(dir, { recursive: true });
  const pems = generate([{ name: 'commonName', value: 'localhost' }], {
    days: 3650,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  writeFileSync(join(dir, 'key.pem'), pems.private);
  writeFileSync(join(dir, 'cert.pem'), pems.cert);
};

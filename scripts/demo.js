#!/usr/bin/env node
// `npm run demo`: with the hub running (`npm start`), walks the sandbox
// partner through three payments as a new user would, using the qr-pos CLI:
//   1. approved and confirmed (every message printed),
//   2. declined by the partner (INSUFFICIENT_FUNDS),
//   3. timed out upstream: the partner never answers, the hub answers
//      503 UPSTREAM_UNAVAILABLE after partnerTimeoutMs (25 s in the demo
//      config) and reverses the payment with the partner itself.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'packages', 'client', 'dist', 'cli', 'qr-pos.js');
if (!existsSync(cli)) {
  process.stderr.write('Build first: npm run build (npm start does it).\n');
  process.exit(1);
}
const steps = [
  { title: '1. A payment of 12.50: approved by the sandbox wallet, then confirmed', args: ['--amount', '12.50'] },
  { title: '2. A payment of 12.51: declined by the wallet (cents 51 = insufficient funds)', args: ['--amount', '12.51', '--brief'] },
  {
    title: '3. A payment of 12.91: the wallet never answers; the hub gives up and reverses it (about 25 s)',
    args: ['--amount', '12.91', '--brief'],
  },
];
for (const step of steps) {
  process.stdout.write(`\n=== ${step.title} ===\n\n`);
  const result = spawnSync(process.execPath, [cli, 'pay', ...step.args, '--sandbox-scan'], { stdio: 'inherit' });
  if (result.status === 1) process.exit(1);
}
process.stdout.write('\nDone. Pending advices of this POS: npm run qr-pos -- queue\n');

#!/usr/bin/env node
// The qr-pos command. A plain file, so that npm links it on install even
// before the TypeScript build has made dist/ (a clone: `npm ci`, then build).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'cli', 'qr-pos.js');
if (!existsSync(cli)) {
  process.stderr.write('qr-pos: not built yet: run `npm run build`\n');
  process.exit(1);
}
require(cli).run();

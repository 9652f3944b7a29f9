import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', 'scripts', 'example.js');

/**
 * `node scripts/example.js <message>` (the README's "Try it") reads the answers
 * the earlier steps kept under data/ with `tee` (body, then curl's `HTTP nnn` line).
 */
describe('scripts/example.js', () => {
  let cwd: string;

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'qr-hub-example-'));
    mkdirSync(join(cwd, 'data'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  function run(message: string, paymentAnswer: string) {
    writeFileSync(join(cwd, 'data', 'payment-answer.json'), paymentAnswer);
    return spawnSync(process.execPath, [SCRIPT, message], { cwd, encoding: 'utf8' });
  }

  it.each(['confirmation', 'reversal'])('%s refers to the payment step 2 made', (message) => {
    const id = '59a28993-78ad-1bd9-5eb6-477b1815049d';
    const result = run(message, `{"id":"${id}","tranId":"d33a","partner":{"id":"sandbox"}}\nHTTP 201\n`);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ requestId: id });
  });

  it.each(['confirmation', 'reversal'])('%s refuses an ErrorDetail from step 2, whose id is no payment', (message) => {
    const error =
      '{"id":"59a28993-78ad-1bd9-5eb6-477b1815049d","errorType":"NO_SCAN_RECEIVED","errorMessage":"No scan received"}';
    const result = run(message, `${error}\nHTTP 400\n`);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('step 2 did not succeed: NO_SCAN_RECEIVED (No scan received)');
  });
});

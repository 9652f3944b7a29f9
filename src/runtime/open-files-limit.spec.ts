import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOpenFilesLimit, readOpenFilesLimit } from './open-files-limit';

/** /proc/self/limits as Linux writes it (soft 1024, hard 524288). */
const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max file size             unlimited            unlimited            bytes
Max processes             63428                63428                processes
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
Max msgqueue size         819200               819200               bytes
`;

describe('the open-files limit', () => {
  it('is the soft limit of the "Max open files" line', () => {
    expect(parseOpenFilesLimit(LIMITS)).toBe(1024);
    expect(parseOpenFilesLimit(LIMITS.replace('1024   ', '600    '))).toBe(600);
  });

  it('is unknown when unlimited or missing', () => {
    expect(parseOpenFilesLimit(LIMITS.replace('1024     ', 'unlimited'))).toBeUndefined();
    expect(parseOpenFilesLimit(LIMITS.replace(/^Max open files.*$/m, ''))).toBeUndefined();
    expect(parseOpenFilesLimit('')).toBeUndefined();
  });

  it('is read from a limits file, and unknown where there is none (not Linux)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'limits-')), 'limits');
    writeFileSync(file, LIMITS);
    expect(readOpenFilesLimit(file)).toBe(1024);
    expect(readOpenFilesLimit(join(tmpdir(), 'no-such-dir', 'limits'))).toBeUndefined();
  });
});

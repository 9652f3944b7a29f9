import { runInNewContext } from 'node:vm';
import type { Request } from 'express';
import { trimTrailingSlashes } from '@app/common/text';
import { operationOf } from './operation';

const req = (originalUrl: string, method = 'POST') => ({ originalUrl, url: originalUrl, method }) as Request;

/**
 * Runs `work` with a hard stop: a quadratic pass over the inputs below takes
 * minutes, a linear one milliseconds, so the bound is generous either way.
 */
function withinTwoSeconds<T>(work: () => T): T {
  return runInNewContext('work()', { work }, { timeout: 2_000 }) as T;
}

describe('operationOf', () => {
  it('names the operation whatever trailing slashes or query the path has', () => {
    expect(operationOf(req('/qr/v1/payments'))).toBe('pay');
    expect(operationOf(req('/qr/v1/payments///'))).toBe('pay');
    expect(operationOf(req('/qr/v1/payments/?a=/'))).toBe('pay');
    expect(operationOf(req('/qr/v1/qrCodes/abc/image/', 'GET'))).toBe('qrCodeImage');
    expect(operationOf(req('/qr/v1/nothing'))).toBe('unknown');
    expect(operationOf(req('/health/live', 'GET'))).toBeNull();
  });

  it('reads a path of a million slashes in one pass (a backtracking trim would take minutes)', () => {
    const slashes = '/'.repeat(1_000_000);
    expect(withinTwoSeconds(() => operationOf(req(`${slashes}x`, 'GET')))).toBeNull();
    expect(withinTwoSeconds(() => operationOf(req(`/qr/v1/${slashes}x`)))).toBe('unknown');
    expect(withinTwoSeconds(() => operationOf(req(`/qr/v1/payments${slashes}`)))).toBe('pay');
  });
});

describe('trimTrailingSlashes', () => {
  it('drops only the trailing slashes', () => {
    expect(trimTrailingSlashes('/a/b//')).toBe('/a/b');
    expect(trimTrailingSlashes('/a//b')).toBe('/a//b');
    expect(trimTrailingSlashes('///')).toBe('');
    expect(trimTrailingSlashes('')).toBe('');
  });

  it('is linear: a million slashes followed by a letter', () => {
    const text = `${'/'.repeat(1_000_000)}x`;
    expect(withinTwoSeconds(() => trimTrailingSlashes(text))).toBe(text);
  });
});

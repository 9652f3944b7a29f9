import { runInNewContext } from 'node:vm';
import type { Request } from 'express';
import { AdvicesModule } from '@app/advices/advices.module';
import { trimTrailingSlashes } from '@app/common/text';
import { PaymentsModule } from '@app/payments/payments.module';
import { QrCodesModule } from '@app/qr-codes/qr-codes.module';
import { ScansModule } from '@app/scans/scans.module';
import { defineOperation } from './operation';
import { OperationTable } from './operation-table';

const req = (originalUrl: string, method = 'POST') => ({ originalUrl, url: originalUrl, method }) as Request;
const table = OperationTable.of([QrCodesModule, PaymentsModule, ScansModule, AdvicesModule]);

/**
 * Runs `work` with a hard stop: a quadratic pass over the inputs below takes
 * minutes, a linear one milliseconds, so the bound is generous either way.
 */
function withinTwoSeconds<T>(work: () => T): T {
  return runInNewContext('work()', { work }, { timeout: 2_000 }) as T;
}

describe('OperationTable', () => {
  it("holds the hub's operations, each served once", () => {
    expect(table.operations.map((op) => `${op.method} ${op.path} ${op.name}`).sort()).toEqual([
      'GET /qr/v1/qrCodes/:tranId/image qrCodeImage',
      'POST /qr/v1/payments pay',
      'POST /qr/v1/payments/confirmations confirmPayment',
      'POST /qr/v1/payments/reversals reversePayment',
      'POST /qr/v1/qrCodes createQrCode',
      'POST /qr/v1/scans notifyScan',
    ]);
    expect(table.operations.filter((op) => table.isAdvice(op.name)).map((op) => op.name)).toEqual([
      'confirmPayment',
      'reversePayment',
    ]);
  });

  it('names the operation whatever trailing slashes or query the path has', () => {
    expect(table.nameOf(req('/qr/v1/payments'))).toBe('pay');
    expect(table.nameOf(req('/qr/v1/payments///'))).toBe('pay');
    expect(table.nameOf(req('/qr/v1/payments/?a=/'))).toBe('pay');
    expect(table.nameOf(req('/qr/v1/qrCodes/abc/image/', 'GET'))).toBe('qrCodeImage');
    expect(table.nameOf(req('/qr/v1/qrCodes/abc/image', 'HEAD'))).toBe('qrCodeImage');
    expect(table.nameOf(req('/qr/v1/qrCodes//image', 'GET'))).toBe('unknown');
    expect(table.nameOf(req('/qr/v1/payments', 'GET'))).toBe('unknown');
    expect(table.nameOf(req('/qr/v1/nothing'))).toBe('unknown');
    expect(table.nameOf(req('/health/live', 'GET'))).toBeNull();
  });

  it('reads a path of a million slashes in one pass (a backtracking trim would take minutes)', () => {
    const slashes = '/'.repeat(1_000_000);
    expect(withinTwoSeconds(() => table.nameOf(req(`${slashes}x`, 'GET')))).toBeNull();
    expect(withinTwoSeconds(() => table.nameOf(req(`/qr/v1/${slashes}x`)))).toBe('unknown');
    expect(withinTwoSeconds(() => table.nameOf(req(`/qr/v1/payments${slashes}`)))).toBe('pay');
  });

  it('refuses an operation declared twice', () => {
    const [first] = table.served;
    expect(() => new OperationTable([first, first])).toThrow(/declared twice/);
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

describe('defineOperation', () => {
  const base = {
    name: 'echo',
    method: 'POST',
    path: '/qr/v1/echoes',
    status: 200,
    roles: ['retailer'],
    advice: false,
    docs: { tag: 'retailer', summary: 'Echo', responses: {} },
  } as const;

  it('refuses an operation that lets nobody in', () => {
    expect(() => defineOperation({ ...base, roles: [] })).toThrow('Operation echo: declares no role');
  });

  it("refuses a message whose DTO is another message's", () => {
    class EchoRequestDto {}
    expect(defineOperation({ ...base, message: 'EchoRequest', messageDto: EchoRequestDto }).message).toBe(
      'EchoRequest',
    );
    expect(() => defineOperation({ ...base, message: 'Echo', messageDto: EchoRequestDto })).toThrow(
      'message Echo is not the schema of EchoRequestDto',
    );
  });
});

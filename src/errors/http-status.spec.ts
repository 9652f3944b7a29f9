import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PaymentNotFoundError } from './hub-error';
import * as hubErrors from './hub-error';
import { HTTP_STATUS, httpStatusOf } from './http-status';
import { ErrorType } from './error-type';
import { NoScanReceivedError, PartnerDeclinedError, UpstreamUnavailableError } from './payment-errors';

const SRC = join(__dirname, '..');

/** Every non-spec source file under src/ that declares a HubError subclass. */
function filesDeclaringHubErrors(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesDeclaringHubErrors(path);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) return [];
    return /\bextends HubError\b/.test(readFileSync(path, 'utf8')) ? [path] : [];
  });
}

/** The exported HubError subclasses of every such file, by file and name. */
function exportedHubErrors(): Array<[string, new (...args: never[]) => hubErrors.HubError]> {
  return filesDeclaringHubErrors().flatMap((file) =>
    Object.entries(require(file) as Record<string, unknown>)
      .filter(
        (entry): entry is [string, new (...args: never[]) => hubErrors.HubError] =>
          typeof entry[1] === 'function' && entry[1].prototype instanceof hubErrors.HubError,
      )
      .map(([name, cls]): [string, new (...args: never[]) => hubErrors.HubError] => [
        `${relative(SRC, file)}: ${name}`,
        cls,
      ]),
  );
}

describe('HTTP_STATUS (domain error → HTTP status)', () => {
  const exported = exportedHubErrors();

  it('finds the domain errors it checks', () => {
    expect(exported.length).toBeGreaterThanOrEqual(30);
    expect(exported.map(([name]) => name)).toContain('errors/payment-errors.ts: UpstreamUnavailableError');
  });

  it.each(exported)('has a status for %s', (_name, cls) => {
    expect(HTTP_STATUS.get(cls)).toEqual(expect.any(Number));
  });

  it('lists only exported HubError subclasses, each once', () => {
    const known = new Set(exported.map(([, cls]) => cls));
    for (const cls of HTTP_STATUS.keys()) expect(known.has(cls as (typeof exported)[number][1])).toBe(true);
    expect(HTTP_STATUS.size).toBe(known.size);
  });

  it('refuses, loudly, an error it does not know', () => {
    class Unlisted extends hubErrors.HubError {
      constructor() {
        super(ErrorType.GENERAL_ERROR, 'unlisted');
      }
    }
    expect(() => httpStatusOf(new Unlisted())).toThrow('No HTTP status for Unlisted');
  });

  it('answers as docs/protocol.md §2, §3, §5 and §7 say', () => {
    expect(httpStatusOf(new hubErrors.FormatError('bad'))).toBe(400);
    expect(httpStatusOf(new hubErrors.MessageTooLargeError())).toBe(413);
    expect(httpStatusOf(new hubErrors.UnsupportedMediaTypeError('type'))).toBe(415);
    expect(httpStatusOf(new hubErrors.UnknownOperationError())).toBe(404);
    expect(httpStatusOf(new hubErrors.UnsupportedMethodError())).toBe(501);
    expect(httpStatusOf(new hubErrors.InternalError())).toBe(500);
    expect(httpStatusOf(new hubErrors.AuthenticationError())).toBe(401);
    expect(httpStatusOf(new hubErrors.ForbiddenError())).toBe(403);
    expect(httpStatusOf(new hubErrors.TooManyAttemptsError(5))).toBe(429);
    // Business declines are 400 with their errorType.
    expect(httpStatusOf(new hubErrors.DuplicateRecordError())).toBe(400);
    expect(httpStatusOf(new hubErrors.InvalidTranIdError('Unknown QR code'))).toBe(400);
    expect(httpStatusOf(new hubErrors.InvalidAmountError('Amount above QR code value'))).toBe(400);
    expect(httpStatusOf(new hubErrors.NoPaymentWaitingForScanError('t'))).toBe(400);
    expect(httpStatusOf(new NoScanReceivedError('t'))).toBe(400);
    expect(httpStatusOf(new PartnerDeclinedError(ErrorType.DO_NOT_HONOR, 'Declined', {}))).toBe(400);
    // An advice for a payment the hub does not know: 404 (a reversal of something unknown).
    expect(httpStatusOf(new PaymentNotFoundError())).toBe(404);
    // The partner's outcome is unknown and the hub reversed it: failed for the retailer (§5.5).
    expect(httpStatusOf(new UpstreamUnavailableError('t'))).toBe(503);
    // Storage down (§10): a definite failure, except for an advice, whose outcome is unknown.
    expect(httpStatusOf(new hubErrors.StorageUnavailableError())).toBe(503);
    expect(httpStatusOf(new hubErrors.AdviceStorageUnavailableError())).toBe(500);
  });
});

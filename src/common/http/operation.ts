import type { Request } from 'express';
import { trimTrailingSlashes } from '@app/common/text';

const OPERATIONS: Record<string, string> = {
  '/qr/v1/qrCodes': 'createQrCode',
  '/qr/v1/payments': 'pay',
  '/qr/v1/payments/confirmations': 'confirmPayment',
  '/qr/v1/payments/reversals': 'reversePayment',
  '/qr/v1/scans': 'notifyScan',
};

/* docs/protocol.md §11: the image of a QR code for thin POS clients; not an interface operation, but a retailer's call. */
const QR_CODE_IMAGE = /^\/qr\/v1\/qrCodes\/[^/]+\/image$/;

/** The interface operation a request is for (docs/protocol.md §1), or null outside the protocol. */
export function operationOf(req: Request): string | null {
  const target = req.originalUrl ?? req.url;
  const query = target.indexOf('?');
  const path = trimTrailingSlashes(query === -1 ? target : target.slice(0, query));
  if (OPERATIONS[path] && req.method === 'POST') return OPERATIONS[path];
  if (QR_CODE_IMAGE.test(path) && (req.method === 'GET' || req.method === 'HEAD')) return 'qrCodeImage';
  if (path.startsWith('/qr/v1/')) return 'unknown';
  return null;
}

/** Advices: an unknown outcome (500) keeps them with a conforming sender (docs/protocol.md §10). */
export function isAdviceOperation(operation: string | null): boolean {
  return operation === 'confirmPayment' || operation === 'reversePayment';
}

/** A string field of the (possibly unparsed) body, if it is there. */
export function bodyField(req: Request, field: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { FormatError, HubError, MessageTooLargeError, UnsupportedMediaTypeError } from '@app/errors/hub-error';

const BODY_ERROR = Symbol('hub:bodyError');
/** Set when the raw body could hold a NUL, so only those bodies are walked for one. */
const MAY_HOLD_NUL = Symbol('hub:mayHoldNul');
type WithBodyError = Request & { [BODY_ERROR]?: HubError; [MAY_HOLD_NUL]?: boolean };

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * JSON body parsing that does not answer by itself: a malformed, oversized or
 * non-JSON body is remembered on the request and raised by the auth guard
 * after authentication, because docs/protocol.md §2 puts 401/403 before any 400, and a
 * request without credentials gets 401 whatever its body.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = json({
    limit: limitBytes,
    type: JSON_TYPES,
    strict: true,
    // JSON can carry a NUL only as the escape \u0000 (a raw one is refused by the
    // parser): a UTF-8 body without that text needs no walk. Other charsets are walked.
    verify: (req, _res, buf, encoding) => {
      (req as WithBodyError)[MAY_HOLD_NUL] = encoding.toLowerCase() !== 'utf-8' || buf.includes('\\u0000');
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    if (!req.is(JSON_TYPES)) {
      (req as WithBodyError)[BODY_ERROR] = new UnsupportedMediaTypeError('Content-Type must be application/json');
      return next();
    }
    parse(req, res, (err?: unknown) => {
      if (err) (req as WithBodyError)[BODY_ERROR] = bodyParserError(err);
      else if ((req as WithBodyError)[MAY_HOLD_NUL] && containsNul(req.body)) {
        (req as WithBodyError)[BODY_ERROR] = new FormatError('Text must not contain U+0000');
      }
      next();
    });
  };
}

/** The body error remembered for this request, if any (once). */
export function takeBodyError(req: Request): HubError | undefined {
  const error = (req as WithBodyError)[BODY_ERROR];
  delete (req as WithBodyError)[BODY_ERROR];
  return error;
}

/**
 * A NUL character (`\u0000` in the JSON) anywhere in a key or string value.
 * PostgreSQL cannot store one in text, so such a message would fail at the
 * first write with a 500; it is refused up front as malformed instead, the
 * same on both stores.
 */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000') || containsNul(v, depth + 1)) return true;
  }
  return false;
}

function hasBody(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function bodyParserError(err: unknown): HubError {
  const type = (err as { type?: string }).type;
  switch (type) {
    case 'entity.too.large':
      return new MessageTooLargeError('Message too large');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError('Unsupported encoding');
    case 'entity.parse.failed':
      return new FormatError('Malformed JSON');
    default:
      return new FormatError('Unreadable message body');
  }
}

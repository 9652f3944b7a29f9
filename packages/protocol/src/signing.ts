/**
 * Request signing for the HTTP exchange: a signer returns the headers that
 * authenticate one request. The interface itself uses HTTP Basic auth
 * (docs/protocol.md §2); partners with another dialect may want a bearer
 * token or an HMAC over the request, so those are here too.
 */
import { createHmac, type BinaryToTextEncoding } from 'node:crypto';

/** The methods an exchange sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a signer sees of one request: enough for Basic, a bearer token or an HMAC over the body. */
export interface SignableRequest {
  method: HttpMethod;
  /** Path on the server, base path (and any query string) included, exactly as on the request line. */
  path: string;
  /** The exact bytes sent, as a string; '' when there is no body (a GET). */
  body: string;
}

/** Returns the headers that authenticate one request (e.g. `authorization`). */
export type RequestSigner = (request: SignableRequest) => Record<string, string>;

/** HTTP Basic auth: the same `authorization` header on every request, computed once. */
export function basicAuth(username: string, password: string): RequestSigner {
  const headers = { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
  return () => headers;
}

/**
 * `authorization: Bearer <token>` on every request (RFC 6750). An empty token
 * or one with spaces or control characters is refused here, at configuration
 * time, rather than turning every payment into a connection error.
 */
export function bearerToken(token: string): RequestSigner {
  if (!/^[\x21-\x7e]+$/.test(token)) throw new Error('bearerToken needs a non-empty token of visible ASCII characters');
  const headers = { authorization: `Bearer ${token}` };
  return () => headers;
}

/** What `hmacSignature` signs with and where it puts the result. */
export interface HmacSignatureOptions {
  /** The shared secret (the HMAC key). */
  secret: string | Buffer;
  /** Sent in the key-id header when given, so the partner knows which secret to check with. */
  keyId?: string;
  /** A node:crypto HMAC algorithm. Default `sha256`. */
  algorithm?: string;
  /** How the digest is written into the header. Default `hex` (lower case). */
  encoding?: BinaryToTextEncoding;
  /** Header names; defaults `x-signature`, `x-signature-timestamp`, `x-key-id`. */
  headers?: { signature?: string; timestamp?: string; keyId?: string };
  /** The string the HMAC is computed over; default `defaultStringToSign`. */
  stringToSign?: (request: SignableRequest, timestamp: string) => string;
  /** Epoch milliseconds; the timestamp sent is this in whole seconds. Injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * The string `hmacSignature` signs by default: the timestamp (unix seconds,
 * decimal, as sent in the timestamp header), the method in upper case, the
 * path as on the request line (base path and query included) and the exact
 * body ('' when none), joined by single line feeds (`\n`), no trailing one:
 *
 *     `${timestamp}\n${method}\n${path}\n${body}`
 */
export function defaultStringToSign(request: SignableRequest, timestamp: string): string {
  return `${timestamp}\n${request.method}\n${request.path}\n${request.body}`;
}

/**
 * An HMAC over each request, sent in headers beside the timestamp it covers.
 * With the defaults a partner verifies a request like this:
 *
 *     timestamp = header `x-signature-timestamp`  (unix seconds, e.g. `1767225600`)
 *     expected  = hex(HMAC-SHA256(secret, utf8(`${timestamp}\n${method}\n${path}\n${body}`)))
 *     accept if expected equals header `x-signature` (compare in constant time)
 *               and the timestamp is recent (the partner picks the window; it stops replays)
 *
 * `x-key-id` is sent only when `keyId` is given.
 */
export function hmacSignature(options: HmacSignatureOptions): RequestSigner {
  if (options.secret.length === 0) throw new Error('hmacSignature needs a non-empty secret');
  const algorithm = options.algorithm ?? 'sha256';
  // Fails now, at configuration time, for an algorithm node:crypto does not know.
  createHmac(algorithm, options.secret);
  const encoding = options.encoding ?? 'hex';
  const stringToSign = options.stringToSign ?? defaultStringToSign;
  const now = options.now ?? Date.now;
  const names = {
    signature: options.headers?.signature ?? 'x-signature',
    timestamp: options.headers?.timestamp ?? 'x-signature-timestamp',
    keyId: options.headers?.keyId ?? 'x-key-id',
  };
  return (request) => {
    const timestamp = String(Math.floor(now() / 1000));
    const signature = createHmac(algorithm, options.secret)
      .update(stringToSign(request, timestamp), 'utf8')
      .digest(encoding);
    return {
      [names.timestamp]: timestamp,
      [names.signature]: signature,
      ...(options.keyId !== undefined && { [names.keyId]: options.keyId }),
    };
  };
}

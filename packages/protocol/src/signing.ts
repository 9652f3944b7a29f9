/**
 * Request signing for the HTTP exchange: a signer returns the headers that
 * authenticate one request. The interface itself uses HTTP Basic auth
 * (docs/protocol.md §2), the one signer provided here.
 */

/** What a signer sees of one request: enough for Basic, a bearer token or an HMAC over the body. */
export interface SignableRequest {
  method: 'POST';
  /** Path on the server, base path included. */
  path: string;
  /** The exact bytes sent, as a string. */
  body: string;
}

/** Returns the headers that authenticate one request (e.g. `authorization`). */
export type RequestSigner = (request: SignableRequest) => Record<string, string>;

/** HTTP Basic auth: the same `authorization` header on every request, computed once. */
export function basicAuth(username: string, password: string): RequestSigner {
  const headers = { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
  return () => headers;
}

/** A user-id and password from an `Authorization: Basic …` header. */
export interface BasicCredentials {
  username: string;
  password: string;
}

/*
 * RFC 7617: the scheme is the token "Basic" (any case), then base64 of
 * `user-id ":" password`. The user-id cannot contain a colon, the password
 * may: split on the first colon only. Written out because passport-http
 * splits on every colon and keeps the second piece (so "secret:anything"
 * passed as "secret") and accepts any scheme containing "basic"; this is
 * the one parser both the protocol guard and the ops middleware use.
 */
const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** The credentials of a Basic `Authorization` header, or undefined when it is not one. */
export function basicCredentials(header: string | undefined): BasicCredentials | undefined {
  const match = BASIC.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

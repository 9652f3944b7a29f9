import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpExchange } from './http-exchange';
import { bearerToken, defaultStringToSign, hmacSignature, RequestSigner } from './signing';
import { Pems, Seen, selfSigned, startHttpsServer, TestServer } from './spec-support/https-server';

const SECRET = 'partner-shared-secret';
const NOW = 1_767_225_600_123; // 2026-01-01T00:00:00.123Z
const CHARGE = { amount: 1250, currency: 'EUR', note: 'Grüße' };

/** What a partner does with the README's recipe: recompute the HMAC from what arrived and compare. */
function verifies(seen: Seen, body = seen.body): boolean {
  const timestamp = String(seen.headers['x-signature-timestamp']);
  const expected = createHmac('sha256', SECRET)
    .update(`${timestamp}\n${seen.method}\n${seen.url}\n${body}`, 'utf8')
    .digest();
  const sent = Buffer.from(String(seen.headers['x-signature']), 'hex');
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

describe('request signers, checked by a real HTTPS server', () => {
  let tls: Pems;
  let server: TestServer;
  const open: HttpExchange[] = [];

  const exchangeSignedBy = (sign: RequestSigner) => {
    const created = new HttpExchange({ baseUrl: `${server.origin}/api`, ca: tls.cert, sign });
    open.push(created);
    return created;
  };

  beforeAll(async () => {
    tls = selfSigned('localhost');
    server = await startHttpsServer(tls);
  });
  beforeEach(() => {
    server.seen.length = 0;
    server.respond = (seen) => ({ status: verifies(seen) ? 200 : 401, body: '{}' });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((created) => created.close(100)));
  });
  afterAll(() => server.close());

  describe('bearerToken', () => {
    it('sends authorization: Bearer <token>', async () => {
      await exchangeSignedBy(bearerToken('tok_9f8.e-7~x/y+z=')).send('/v2/charges', { body: CHARGE });
      expect(server.seen).toHaveLength(1);
      expect(server.seen[0].headers.authorization).toBe('Bearer tok_9f8.e-7~x/y+z=');
    });

    it.each(['', 'two words', 'line\nbreak', 'tab\t'])('refuses the token %j when configured', (token) => {
      expect(() => bearerToken(token)).toThrow(/non-empty token/);
    });
  });

  describe('hmacSignature', () => {
    const hmac = (options: Partial<Parameters<typeof hmacSignature>[0]> = {}) =>
      hmacSignature({ secret: SECRET, keyId: 'key-2026', now: () => NOW, ...options });

    it('the server recomputes the documented string-to-sign and the signature matches', async () => {
      const result = await exchangeSignedBy(hmac()).send('/v2/charges?expand=wallet', { body: CHARGE });
      expect(result).toMatchObject({ kind: 'answered', status: 200 });
      const [seen] = server.seen;
      expect(seen.headers).toMatchObject({
        'x-signature-timestamp': '1767225600',
        'x-signature': expect.stringMatching(/^[0-9a-f]{64}$/),
        'x-key-id': 'key-2026',
      });
      expect(seen.url).toBe('/api/v2/charges?expand=wallet');
    });

    it('a changed body, path, method or timestamp does not match', async () => {
      await exchangeSignedBy(hmac()).send('/v2/charges', { body: CHARGE });
      const [seen] = server.seen;
      expect(verifies(seen)).toBe(true);
      expect(verifies(seen, seen.body.replace('1250', '1251'))).toBe(false);
      expect(verifies({ ...seen, url: '/api/v2/refunds' })).toBe(false);
      expect(verifies({ ...seen, method: 'PUT' })).toBe(false);
      expect(verifies({ ...seen, headers: { ...seen.headers, 'x-signature-timestamp': '1767225601' } })).toBe(false);
    });

    it('signs a GET over an empty body', async () => {
      const result = await exchangeSignedBy(hmac()).send('/v2/charges/c-1', { method: 'GET' });
      expect(result).toMatchObject({ kind: 'answered', status: 200 });
      expect(server.seen).toMatchObject([{ method: 'GET', body: '' }]);
    });

    it('the timestamp is the injected clock in whole seconds, read per request', async () => {
      let now = NOW;
      const sign = hmac({ now: () => now });
      expect(sign({ method: 'POST', path: '/p', body: '' })['x-signature-timestamp']).toBe('1767225600');
      now += 61_000;
      expect(sign({ method: 'POST', path: '/p', body: '' })['x-signature-timestamp']).toBe('1767225661');
    });

    it('matches a fixed vector computed with openssl (the one in the README)', () => {
      const sign = hmacSignature({ secret: 'secret', now: () => 1_767_225_600_000 });
      const request = { method: 'POST' as const, path: '/api/v2/charges', body: '{"amount":1250}' };
      expect(defaultStringToSign(request, '1767225600')).toBe('1767225600\nPOST\n/api/v2/charges\n{"amount":1250}');
      expect(sign(request)).toEqual({
        'x-signature-timestamp': '1767225600',
        'x-signature': '3c06123526fd9aa115adc394505e3792387dcf4e81296fb1aeec778f693b4102',
      });
    });

    it('header names, algorithm, encoding and string-to-sign can be changed; no key id header without keyId', async () => {
      const sign = hmacSignature({
        secret: Buffer.from(SECRET),
        algorithm: 'sha512',
        encoding: 'base64',
        headers: { signature: 'X-Partner-Signature', timestamp: 'X-Partner-Time' },
        stringToSign: (request, timestamp) => `${request.method} ${request.path} ${timestamp} ${request.body}`,
        now: () => NOW,
      });
      server.respond = () => ({ status: 200 });
      await exchangeSignedBy(sign).send('/v2/charges', { body: CHARGE });
      const [seen] = server.seen;
      const expected = createHmac('sha512', SECRET)
        .update(`POST /api/v2/charges 1767225600 ${seen.body}`)
        .digest('base64');
      expect(seen.headers['x-partner-signature']).toBe(expected);
      expect(seen.headers['x-partner-time']).toBe('1767225600');
      expect(seen.headers['x-signature']).toBeUndefined();
      expect(seen.headers['x-key-id']).toBeUndefined();
    });

    it('refuses an empty secret or an unknown algorithm when configured', () => {
      expect(() => hmacSignature({ secret: '' })).toThrow(/non-empty secret/);
      expect(() => hmacSignature({ secret: SECRET, algorithm: 'sha-nope' })).toThrow();
    });
  });
});

import { crossSiteProblem } from './same-origin.guard';

describe('crossSiteProblem (CSRF check of operator actions)', () => {
  const host = 'hub.example:8443';

  it.each([
    ['a same-origin browser request', { 'sec-fetch-site': 'same-origin', origin: `https://${host}` }],
    ['a typed or bookmarked URL', { 'sec-fetch-site': 'none' }],
    ['an older browser sending only Origin', { origin: `https://${host}` }],
    ['the origin behind a TLS-terminating proxy (scheme not known to the hub)', { origin: `http://${host}` }],
    ['a script or curl (neither header)', {}],
  ])('passes %s', (_what, headers) => {
    expect(crossSiteProblem({ host, ...headers })).toBeNull();
  });

  it.each([
    ['another site', { 'sec-fetch-site': 'cross-site' }],
    ['a sibling subdomain', { 'sec-fetch-site': 'same-site' }],
    ['another origin', { origin: 'https://evil.example' }],
    ['the hub on another port', { origin: 'https://hub.example:9443' }],
    ['an opaque origin (sandboxed frame, data: page)', { origin: 'null' }],
    ['a malformed origin', { origin: 'not a url' }],
    ['a same-origin claim contradicted by Origin', { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }],
  ])('refuses %s', (_what, headers) => {
    expect(crossSiteProblem({ host, ...headers })).not.toBeNull();
  });
});

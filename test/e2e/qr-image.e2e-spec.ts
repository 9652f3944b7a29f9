import { OTHER_RETAILER, RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, poster } from '../utils/flows';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('QR images (docs/protocol.md §11): GET /qr/v1/qrCodes/{tranId}/image for thin POS clients', () => {
  let hub: TestApp;
  let tranId: string;
  const image = (id: string, accept?: string, auth: { id: string; password: string } | null = RETAILER) => {
    const req = hub.raw().get(`/qr/v1/qrCodes/${id}/image`).buffer(true);
    if (accept !== undefined) req.set('Accept', accept);
    return auth ? req.auth(auth.id, auth.password) : req;
  };

  beforeAll(async () => {
    hub = await createTestApp();
    tranId = await createQr(poster(hub.baseUrl), 10000);
  });
  afterAll(() => hub.close());

  it('answers a PNG for Accept: image/png', async () => {
    const res = await image(tranId, 'image/png').expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['vary']).toMatch(/Accept/);
    expect((res.body as Buffer).subarray(0, 8)).toEqual(PNG_MAGIC);
  });

  it('answers an SVG for Accept: image/svg+xml', async () => {
    const res = await image(tranId, 'image/svg+xml').expect(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(Buffer.from(res.body as Buffer).toString('utf8')).toMatch(/<svg[\s>]/);
  });

  it.each([
    ['no Accept', 'image/png', undefined],
    ['*/*', 'image/png', '*/*'],
    ['image/*', 'image/png', 'image/*'],
    ['SVG preferred by q-value', 'image/svg+xml', 'image/png;q=0.5, image/svg+xml'],
    ['a browser', 'image/svg+xml', 'text/html,application/xhtml+xml,image/svg+xml;q=0.9,*/*;q=0.8'],
  ])('negotiates %s → %s', async (_what, type, accept) => {
    const res = await image(tranId, accept).expect(200);
    expect(res.headers['content-type']).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
  });

  it('answers 406 ErrorDetail when Accept names neither PNG nor SVG', async () => {
    const res = await image(tranId, 'application/json').expect(406);
    expectErrorDetail(res, 406, 'FORMAT_ERROR');
    expect((await image(tranId, 'image/jpeg')).status).toBe(406);
  });

  it("answers another retailer's code exactly like an unknown one: 404 UNABLE_TO_LOCATE_RECORD", async () => {
    const other = await image(tranId, 'image/png', OTHER_RETAILER).expect(404);
    const unknown = await image('0'.repeat(32), 'image/png').expect(404);
    expectErrorDetail(other, 404, 'UNABLE_TO_LOCATE_RECORD');
    expectErrorDetail(unknown, 404, 'UNABLE_TO_LOCATE_RECORD');
    expect(other.body.errorMessage).toBe(unknown.body.errorMessage);
    await image('x'.repeat(300), 'image/png').expect(404);
  });

  it('needs retailer credentials: 401 without, 403 for a partner', async () => {
    const anonymous = await image(tranId, 'image/png', null).expect(401);
    expectErrorDetail(anonymous, 401, 'GENERAL_ERROR');
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="qr"');
    expectErrorDetail(await image(tranId, 'image/png', SANDBOX).expect(403), 403, 'GENERAL_ERROR');
  });

  it('refuses other methods on the image path with 501 FUNCTION_NOT_SUPPORTED', async () => {
    const res = await hub.post(`/qr/v1/qrCodes/${tranId}/image`, {}, RETAILER).expect(501);
    expectErrorDetail(res, 501, 'FUNCTION_NOT_SUPPORTED');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await hub.raw().get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(doc.paths['/qr/v1/qrCodes/{tranId}/image']).toMatchObject({ get: { operationId: 'qrCodeImage' } });
  });
});

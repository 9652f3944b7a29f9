import type { Response } from 'supertest';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OTHER_RETAILER, RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeClock } from '../utils/fake-clock';

/**
 * SPEC §3 login throttling: after 10 failed attempts for one username (or one
 * client address) within a minute, further attempts get 429 with an
 * ErrorDetail until the minute has passed, even with the right password.
 *
 * Every request here comes from 127.0.0.1, so this file has its own hub (the
 * throttle lives in the hub), on a fake clock: each test starts a minute after
 * the previous one, when every earlier failure has left the window.
 */
describe('login throttling (SPEC §3)', () => {
  let hub: TestApp;
  const clock = new FakeClock(Date.now());

  beforeAll(async () => {
    hub = await createTestApp({ clock });
  });
  afterAll(() => hub.close());
  beforeEach(() => clock.advance(61_000));

  const app = (): TestApp => hub;

  const retailerQr = () => aCreateQrCodeRequest();
  const otherRetailerQr = () =>
    aCreateQrCodeRequest({
      client: { id: OTHER_RETAILER.id, name: 'Other Retailer' },
      originator: { institution: { id: OTHER_RETAILER.id, name: 'Other Retailer' } },
    });

  async function failLogins(count: number, username: (i: number) => string): Promise<void> {
    for (let i = 0; i < count; i++) {
      const res = await app().post('/qr/v1/qrCodes', retailerQr(), { id: username(i), password: `wrong-${i}` });
      expectErrorDetail(res, 401, 'GENERAL_ERROR');
    }
  }

  function expectThrottled(res: Response): void {
    expectErrorDetail(res, 429, 'GENERAL_ERROR');
    // Not required by SPEC, but if the hub says when to retry it must be within the minute.
    if (res.headers['retry-after'] !== undefined) {
      const seconds = Number(res.headers['retry-after']);
      expect(Number.isInteger(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
    }
  }

  it('10 wrong passwords for one username, then the right one → 429 ErrorDetail', async () => {
    await failLogins(10, () => RETAILER.id);

    const res = await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER);
    expectThrottled(res);
  });

  it('also blocks a username whose right password was accepted (and remembered) before', async () => {
    expect((await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
    await failLogins(10, () => RETAILER.id);

    expectThrottled(await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER));
  });

  it('9 failures are not enough: the right password still works', async () => {
    await failLogins(9, () => RETAILER.id);
    expect((await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
  });

  it('keeps answering 429 during the minute and lets the right password in after it', async () => {
    await failLogins(10, () => RETAILER.id);
    expectThrottled(await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER));

    clock.advance(30_000);
    expectThrottled(await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER));

    clock.advance(31_000);
    expect((await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
  });

  it('10 failures from one client address over many usernames block every username from it', async () => {
    await failLogins(10, (i) => `unknown-${i}`);

    expectThrottled(await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER));
    expectThrottled(await app().post('/qr/v1/qrCodes', otherRetailerQr(), OTHER_RETAILER));
  });

  it('a forged X-Forwarded-For does not give each attempt a new client address', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await app()
        .raw()
        .post('/qr/v1/qrCodes')
        .set('X-Forwarded-For', `10.0.0.${i}`)
        .auth(`unknown-${i}`, 'wrong')
        .send(retailerQr());
      expectErrorDetail(res, 401, 'GENERAL_ERROR');
    }
    const res = await app()
      .raw()
      .post('/qr/v1/qrCodes')
      .set('X-Forwarded-For', '10.0.1.1')
      .auth(RETAILER.id, RETAILER.password)
      .send(retailerQr());
    expectThrottled(res);
  });

  it('failures spread over more than a minute do not add up', async () => {
    await failLogins(6, () => RETAILER.id);
    clock.advance(61_000);
    await failLogins(6, () => RETAILER.id);

    expect((await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
  });

  it('a throttled request stores nothing', async () => {
    await failLogins(10, () => RETAILER.id);
    const request = retailerQr();
    expectThrottled(await app().post('/qr/v1/qrCodes', request, RETAILER));

    clock.advance(61_000);
    // The id was never used, so it is still free once the block has passed.
    expect((await app().post('/qr/v1/qrCodes', request, RETAILER)).status).toBe(201);
  });
});

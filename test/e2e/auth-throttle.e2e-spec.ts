import { Agent } from 'node:https';
import request, { Response } from 'supertest';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OTHER_RETAILER, RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeClock } from '../utils/fake-clock';
import { testTls } from '../utils/test-tls';

/**
 * docs/protocol.md §3 login throttling. Per client address: after 10 failed attempts
 * within a minute (checks still running count too) that address gets 429 with
 * an ErrorDetail and Retry-After until the minute has passed, whatever
 * username it tries. Per username: at most 60 password checks a minute from
 * all addresses together. Never throttled: a credential already proven
 * correct, from any address; the right password from an address that is not
 * itself throttled succeeds, so nobody can lock an institution out.
 *
 * Requests come from 127.0.0.1 unless a test picks another loopback address
 * (Linux routes all of 127/8 to lo). This file has its own hub (the throttle
 * lives in the hub), on a fake clock: each test starts six minutes after the
 * previous one, when every earlier failure has left the window and every
 * remembered credential has been forgotten.
 */
describe('login throttling (docs/protocol.md §3)', () => {
  let hub: TestApp;
  const clock = new FakeClock(Date.now());

  beforeAll(async () => {
    hub = await createTestApp({ clock });
  });
  afterAll(() => hub.close());
  beforeEach(() => clock.advance(6 * 60_000));

  const app = (): TestApp => hub;

  const retailerQr = () => aCreateQrCodeRequest();
  const otherRetailerQr = () =>
    aCreateQrCodeRequest({
      client: { id: OTHER_RETAILER.id, name: 'Other Retailer' },
      originator: { institution: { id: OTHER_RETAILER.id, name: 'Other Retailer' } },
    });

  type Credential = { id: string; password: string };
  interface Client {
    post(path: string, body: object, auth: Credential): request.Test;
  }

  /** A client whose connections come from `address` (any of 127/8 reaches the hub on 127.0.0.1). */
  function from(address: string): Client {
    const agent = new Agent({ localAddress: address, ca: testTls().cert });
    return {
      post: (path, body, auth) => request(hub.baseUrl).post(path).agent(agent).auth(auth.id, auth.password).send(body),
    };
  }

  async function failLogins(count: number, username: (i: number) => string, client: Client = app()): Promise<void> {
    for (let i = 0; i < count; i++) {
      const res = await client.post('/qr/v1/qrCodes', retailerQr(), { id: username(i), password: `wrong-${i}` });
      expectErrorDetail(res, 401, 'GENERAL_ERROR');
    }
  }

  function expectThrottled(res: Response): void {
    expectErrorDetail(res, 429, 'GENERAL_ERROR');
    // Not required by docs/protocol.md, but if the hub says when to retry it must be within the minute.
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

  it('a credential proven correct before is never refused, even from an address that is throttled', async () => {
    expect((await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
    await failLogins(10, () => RETAILER.id);
    // The address is throttled for anything it has not proven…
    expectThrottled(await app().post('/qr/v1/qrCodes', otherRetailerQr(), OTHER_RETAILER));
    // …but the credential it proved is answered from the cache, not the throttle.
    expect((await app().post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
    expect((await from('127.0.0.9').post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
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

  it('lock-out: 10 wrong passwords for a known id from one address do not refuse the right one from another', async () => {
    await failLogins(10, () => RETAILER.id, from('127.0.0.2'));
    expectThrottled(await from('127.0.0.2').post('/qr/v1/qrCodes', retailerQr(), RETAILER));

    expect((await from('127.0.0.3').post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
    // Proven now: more failures for the id, from yet another address, never refuse it.
    await failLogins(10, () => RETAILER.id, from('127.0.0.4'));
    expect((await from('127.0.0.2').post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
    expect((await from('127.0.0.3').post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
  });

  it('one username from many addresses: past 60 checks a minute only clean addresses are checked, so nobody is locked out', async () => {
    expect((await from('127.0.1.1').post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
    // 60 wrong passwords for the other retailer from seven addresses, none throttled on its own (≤ 9 failures
    // each). That retailer has not been proven in this hub: no remembered credential to lean on, as after a restart.
    for (let a = 0; a < 7; a++) {
      await failLogins(a < 6 ? 9 : 6, () => OTHER_RETAILER.id, from(`127.0.2.${a + 1}`));
    }
    // An address that failed within the minute is refused for that username...
    const guesser = from('127.0.2.1');
    expectThrottled(await guesser.post('/qr/v1/qrCodes', otherRetailerQr(), { id: OTHER_RETAILER.id, password: 'x' }));
    // ...the right password from a clean address is still checked and succeeds...
    expect((await from('127.0.3.1').post('/qr/v1/qrCodes', otherRetailerQr(), OTHER_RETAILER)).status).toBe(201);
    // ...and a proven credential passes even from the guessing address.
    expect((await guesser.post('/qr/v1/qrCodes', retailerQr(), RETAILER)).status).toBe(201);
  });

  it('200 parallel wrong guesses from one address: at most 10 passwords are checked, the rest get 429 at once', async () => {
    const client = from('127.0.4.1');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client.post('/qr/v1/qrCodes', retailerQr(), { id: `guess-${i % 3}`, password: `wrong-${i}` }),
      ),
    );
    const statuses = answers.map((res) => res.status);
    const checked = statuses.filter((status) => status === 401).length;
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(10);
    for (const res of answers.filter((r) => r.status === 429)) expectThrottled(res);
  });
});

import { IsNull } from 'typeorm';
import { httpStatusOf } from '@app/errors/http-status';
import { HubError } from '@app/errors/hub-error';
import { HubInstance } from '@app/instances/hub-instance.entity';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import { PaymentsService } from '@app/payments/payments.service';
import { Database, managerOf } from '@app/persistence/database';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import { aScanNotification } from '../factories/messages.factory';
import { createTestApp } from '../utils/create-test-app';
import { createQr, payment, poster, startPay, waitFor } from '../utils/flows';
import { startHubProcess } from '../utils/hub-process';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

describe('graceful shutdown on SIGTERM (docs/protocol.md §10)', () => {
  let db: TestDatabase;
  let partner: PartnerServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    partner = await startPartnerServer();
  });
  afterAll(async () => {
    await partner.close();
    await db.drop();
  });

  it('answers every held payment with 503 GENERAL_ERROR, sends nothing upstream and exits in time', async () => {
    const hub = await startHubProcess(db.url, {
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: 20_000,
      partnerTimeoutMs: 5_000,
    });
    const post = poster(hub.baseUrl);
    const held = await Promise.all(
      [1000, 1100, 1200].map(async (amount) => startPay(post, await createQr(post, amount), amount)),
    );
    await new Promise((r) => setTimeout(r, 300));

    const started = Date.now();
    const exit = hub.kill('SIGTERM');
    const answers = await Promise.all(held.map((h) => h.answer));
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.body.errorType).toBe('GENERAL_ERROR');
    }
    await exit;
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(hub.child.exitCode === 0 || hub.child.signalCode === 'SIGTERM').toBe(true);
    expect(partner.received.filter((m) => m.path === '/payments')).toHaveLength(0);
  });

  it('stops taking connections and payments at once, lets the payment in flight upstream finish, and only then says it stopped', async () => {
    // Cents 92: the partner approves after 1.5 s, within the 5 s partner timeout.
    const slow = await startPartnerServer({ lateMs: 1_500 });
    const hub = await createTestApp({
      walletBaseUrl: slow.baseUrl,
      walletCaFile: slow.caFile,
      scanWaitMs: 20_000,
      partnerTimeoutMs: 5_000,
    });
    try {
      const post = poster(hub.baseUrl);
      const tranId = await createQr(post, 1092);
      const inFlight = startPay(post, tranId, 1092);
      await waitFor('the payment held', async () => {
        const scan = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
        return scan.status === 202 || undefined;
      });
      await waitFor('the payment at the partner', () => slow.received.find((m) => m.path === '/payments'));
      const db = hub.app.get(Database);
      const instanceId = hub.app.get(HubInstanceService).id;
      const stopped = hub.app.close();

      await new Promise((r) => setTimeout(r, 200));
      // New connections are refused, and a payment that still reaches the hub is refused too.
      await expect(post('/qr/v1/qrCodes', {}, RETAILER)).rejects.toThrow(/ECONNREFUSED/);
      const late = payment(tranId, 1092);
      const refused = await hub.app
        .get(PaymentsService)
        .pay(late, () => undefined)
        .then(
          () => null,
          (error: HubError) => error,
        );
      expect(refused).toMatchObject({ errorType: 'GENERAL_ERROR' });
      // The answer's status is the error filter's, from src/errors/http-status.ts.
      expect(httpStatusOf(refused!)).toBe(503);
      // Still in flight: other instances must not take this one for stopped and reverse its payment.
      const row = await db.run((tx) => managerOf(tx).findOneBy(HubInstance, { id: instanceId, stoppedAt: IsNull() }));
      expect(row).not.toBeNull();

      const answer = await inFlight.answer;
      expect(answer.status).toBe(201);
      await stopped;
      expect(slow.received.filter((m) => m.path === '/payments')).toHaveLength(1);
      expect(slow.received.filter((m) => m.path === '/payments/reversals')).toHaveLength(0);
    } finally {
      await slow.close();
      await hub.db.drop();
    }
  });
});

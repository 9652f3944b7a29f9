import { aPaymentConfirmation, aScanNotification } from '../factories/messages.factory';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import { createQr, payWithScan, poster, scanWhenWaiting, startPay, waitFor } from '../utils/flows';
import { HubProcess, startHubProcess } from '../utils/hub-process';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/**
 * docs/protocol.md §10 crash safety: a real hub process is killed with SIGKILL in the
 * middle of traffic and started again on the same database.
 */
describe('crash safety: kill -9 mid-traffic and restart (docs/protocol.md §10)', () => {
  let db: TestDatabase;
  let partner: PartnerServer;
  let hub: HubProcess | undefined;

  const config = () => ({
    walletBaseUrl: partner.baseUrl,
    walletCaFile: partner.caFile,
    scanWaitMs: 20_000,
    partnerTimeoutMs: 15_000,
    initialDelayMs: 100,
    maxDelayMs: 500,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    partner = await startPartnerServer();
  });
  afterAll(async () => {
    await hub?.kill();
    await partner.close();
    await db.drop();
  });

  it('delivers every acknowledged advice, reverses what was in flight, closes what waited for a scan', async () => {
    hub = await startHubProcess(db.url, config());
    let post = poster(hub.baseUrl);

    // A payment held waiting for a scan that will only come after the crash.
    const waitingTran = await createQr(post, 1000);
    // Its answer is lost with the process; catch it now so the rejection is expected.
    const waiting = startPay(post, waitingTran, 1000).answer.catch((e: Error) => e);

    // A payment in flight upstream: the partner never answers (cents 91).
    const hangingTran = await createQr(post, 1091);
    const hanging = startPay(post, hangingTran, 1091).answer.catch((e: Error) => e);
    expect((await scanWhenWaiting(post, hangingTran)).status).toBe(202);
    const hangingUpstream = await waitFor('the hung payment to reach the partner', () =>
      partner.received.find((m) => m.path === '/payments' && m.body.tranId === hangingTran),
    );

    // Approved payments whose confirmations are acknowledged while the partner is down.
    const approved: Array<{ id: string; tranId: string }> = [];
    for (let i = 0; i < 5; i++) {
      const tranId = await createQr(post, 2000 + i);
      const paid = await payWithScan(post, tranId, 2000 + i);
      expect(paid.answer.status).toBe(201);
      approved.push({ id: paid.id, tranId });
    }
    partner.setMode('down');
    const acknowledged: string[] = [];
    for (const p of approved) {
      const res = await post('/qr/v1/payments/confirmations', aPaymentConfirmation(p.id), RETAILER);
      expect(res.status).toBe(202);
      acknowledged.push(p.tranId);
    }
    // Traffic still running when the process dies.
    const burst = Array.from({ length: 10 }, async (_, i) => {
      const tranId = await createQr(post, 3000 + i).catch(() => null);
      if (tranId) await payWithScan(post, tranId, 3000 + i).catch(() => null);
    });
    await new Promise((r) => setTimeout(r, 150));

    await hub.kill('SIGKILL');
    await Promise.allSettled([...burst, waiting, hanging]);

    partner.setMode('normal');
    hub = await startHubProcess(db.url, config());
    post = poster(hub.baseUrl);

    // The payment that was in flight is reversed upstream with reason TIMEOUT.
    const reversal = await waitFor(
      'the timeout reversal of the in-flight payment',
      () =>
        partner.received.find((m) => m.path === '/payments/reversals' && m.body.requestId === hangingUpstream.body.id),
      40_000,
    );
    expect(reversal.body.reversalReason).toBe('TIMEOUT');

    // Every acknowledged confirmation reaches the partner after the restart. One
    // that was being sent at the kill stays leased to the dead process until the
    // lease (saf.leaseMs, 30 s) runs out: on PostgreSQL a silent instance may only
    // be cut off, so its leases are not taken early (docs/protocol.md §10: never sent twice at once).
    for (const tranId of acknowledged) {
      const sent = partner.received.find((m) => m.path === '/payments' && m.body.tranId === tranId)!;
      await waitFor(
        `the confirmation of ${tranId}`,
        () => partner.received.find((m) => m.path === '/payments/confirmations' && m.body.requestId === sent.body.id),
        45_000,
      );
    }

    // The payment that was waiting for its scan was closed: a late scan is declined.
    const lateScan = await waitFor('the waiting payment to be closed', async () => {
      const res = await post('/qr/v1/scans', aScanNotification(waitingTran, WALLET.id), WALLET);
      return res.status === 400 && res.body.errorType === 'UNABLE_TO_LOCATE_RECORD' ? res : undefined;
    });
    expect(lateScan.status).toBe(400);
    expect(partner.received.some((m) => m.path === '/payments' && m.body.tranId === waitingTran)).toBe(false);

    // No advice was ever delivered twice at the same time.
    expect(partner.inFlightMax).toBeLessThanOrEqual(1);
  }, 120_000);
});

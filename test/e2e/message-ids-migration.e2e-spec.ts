import { RETAILER } from '../factories/hub-config.factory';
import { aPaymentConfirmation, aPaymentReversal } from '../factories/messages.factory';
import { Database, managerOf } from '@app/persistence/database';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, Post, poster, scanWhenWaiting, startPay, waitFor } from '../utils/flows';
import { getAs } from '../utils/operator-flows';
import { partnerCalls, PartnerServer, startPartnerServer } from '../utils/partner-server';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/**
 * Ids stored before they were kept in lower case (docs/decisions.md): a POS
 * that writes UUIDs in upper case left them so. After the upgrade's migration
 * its confirmations, repeated advices and the console still find them.
 */
describe('upgrade: message ids stored in upper case are lower-cased by a migration', () => {
  let db: TestDatabase;
  let partner: PartnerServer;
  let hub: TestApp | undefined;

  const start = async () =>
    createTestApp({
      database: db,
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: 5000,
      initialDelayMs: 50,
      maxDelayMs: 200,
    });
  /** Raw SQL on the hub's own connection: ids are hex, safe as literals. */
  const sql = (statement: string) => hub!.app.get(Database).run((tx) => managerOf(tx).query(statement));

  beforeAll(async () => {
    db = await createTestDatabase();
    partner = await startPartnerServer();
  });
  afterAll(async () => {
    await hub?.close();
    await partner.close();
    await db.drop();
  });

  it('an approved payment and a reversal of an unknown request, stored with upper-case ids, are found after the upgrade', async () => {
    hub = await start();
    let post: Post = poster(hub.baseUrl);
    const tranId = await createQr(post, 1000);
    const pay = startPay(post, tranId, 1000);
    expect((await scanWhenWaiting(post, tranId)).status).toBe(202);
    expect((await pay.answer).status).toBe(201);
    const unknown = aPaymentReversal('0e6b3c1a-0000-4000-8000-00000000abcd');
    expect((await post('/qr/v1/payments/reversals', unknown, RETAILER)).status).toBe(404);

    // As an earlier version stored them: the sender's upper case.
    const id = pay.id;
    const up = id.toUpperCase();
    const unknownUp = unknown.requestId.toUpperCase();
    await sql(`UPDATE payments SET id = '${up}' WHERE id = '${id}'`);
    await sql(`UPDATE qr_codes SET paid_by_payment_id = '${up}' WHERE paid_by_payment_id = '${id}'`);
    await sql(`UPDATE scans SET payment_id = '${up}' WHERE payment_id = '${id}'`);
    await sql(`UPDATE audit_messages SET message_id = '${up}' WHERE message_id = '${id}'`);
    await sql(`UPDATE advices SET request_id = '${unknownUp}' WHERE request_id = '${unknown.requestId}'`);
    await sql(`DELETE FROM migrations WHERE name = 'LowerCaseMessageIds1767312000000'`);
    await hub.close();

    hub = await start(); // runs the migration again
    post = poster(hub.baseUrl);
    const confirmed = await post('/qr/v1/payments/confirmations', aPaymentConfirmation(id), RETAILER);
    expect(confirmed.status).toBe(202);
    const upstream = partnerCalls(partner, '/payments').find((m) => m.tranId === tranId);
    await waitFor('the confirmation upstream', () =>
      partnerCalls(partner, '/payments/confirmations').find((m) => m.requestId === upstream?.id),
    );
    // The reversal of the unknown request is still remembered, and a repeat of it is the same advice.
    expect((await post('/qr/v1/payments/reversals', unknown, RETAILER)).status).toBe(404);
    const found = await getAs(hub, `/admin/v1/transactions?q=${id}`);
    expect(found.status).toBe(200);
    expect(found.body.tranId).toBe(tranId);
  });
});

import { createQr, poster, startPay } from '../utils/flows';
import { startHubProcess } from '../utils/hub-process';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

describe('graceful shutdown on SIGTERM (SPEC §10)', () => {
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
});

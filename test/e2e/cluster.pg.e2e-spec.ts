import { DataSource } from 'typeorm';
import { aPaymentConfirmation } from '../factories/messages.factory';
import { RETAILER } from '../factories/hub-config.factory';
import { createQr, payment, Post, poster, scanWhenWaiting, waitFor } from '../utils/flows';
import { HubProcess, startHubProcess } from '../utils/hub-process';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

const FLOWS = 500;
const CONCURRENCY = 16;

/**
 * docs/protocol.md §10 scale-out: two hub processes on one PostgreSQL behind a
 * "load balancer" that picks an instance per request at random; one is
 * killed with SIGKILL half-way and started again. Always on PostgreSQL (the
 * only store several instances can share).
 */
describe('two instances on one PostgreSQL, one killed mid-traffic (docs/protocol.md §10)', () => {
  let db: TestDatabase;
  let partner: PartnerServer;
  const hubs: Array<HubProcess | null> = [null, null];

  const config = () => ({
    walletBaseUrl: partner.baseUrl,
    walletCaFile: partner.caFile,
    scanWaitMs: 10_000,
    partnerTimeoutMs: 3_000,
    initialDelayMs: 100,
    maxDelayMs: 1_000,
  });

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    partner = await startPartnerServer();
    hubs[0] = await startHubProcess(db.url, config(), undefined, { INSTANCE_ID: 'hub-a' });
    hubs[1] = await startHubProcess(db.url, config(), undefined, { INSTANCE_ID: 'hub-b' });
  });
  afterAll(async () => {
    await Promise.all(hubs.map((h) => h?.kill()));
    await partner.close();
    await db.drop();
  });

  it('gives every payment a final outcome, delivers every acknowledged advice once at a time, reverses what timed out', async () => {
    const posts: Post[] = hubs.map((h) => poster(h!.baseUrl));
    const anyHub: Post = (path, body, auth) => posts[Math.floor(Math.random() * 2)](path, body, auth);
    const paymentIds: string[] = [];
    const confirmed: string[] = [];
    let started = 0;
    let killed = false;

    const flow = async (n: number) => {
      // Mostly approvals; every 25th the partner answers 500 (unknown → timeout reversal).
      const amount = n % 25 === 0 ? 1096 : 1000 + (n % 5);
      const tranId = await createQr(anyHub, amount);
      const [payOn, scanOn] = Math.random() < 0.5 ? [posts[0], posts[1]] : [posts[1], posts[0]];
      const body = payment(tranId, amount);
      paymentIds.push(body.id);
      const answer = payOn('/qr/v1/payments', body, RETAILER);
      answer.catch(() => undefined);
      await scanWhenWaiting(scanOn, tranId).catch(() => undefined);
      const paid = await answer;
      if (paid.status !== 201) return;
      const advice = await anyHub('/qr/v1/payments/confirmations', aPaymentConfirmation(body.id), RETAILER);
      if (advice.status === 202) confirmed.push(body.id);
    };

    const worker = async () => {
      while (started < FLOWS) {
        const n = started++;
        if (n === FLOWS / 2 && !killed) {
          killed = true;
          void (async () => {
            await hubs[1]!.kill('SIGKILL');
            await new Promise((r) => setTimeout(r, 1_000));
            hubs[1] = await startHubProcess(db.url, config(), hubs[1]!.port, { INSTANCE_ID: 'hub-b' });
            posts[1] = poster(hubs[1].baseUrl);
          })();
        }
        await flow(n).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(killed).toBe(true);
    expect(confirmed.length).toBeGreaterThan(FLOWS / 2);

    const ds = new DataSource({
      type: 'postgres',
      url: db.url.split('?')[0],
      schema: new URL(db.url).searchParams.get('schema')!,
    });
    await ds.initialize();
    try {
      const schema = new URL(db.url).searchParams.get('schema');
      // Every payment reaches a final state once the dead instance's payments are recovered.
      await waitFor(
        'no payment left waiting or in flight',
        async () => {
          const [row] = await ds.query(
            `SELECT COUNT(*)::int AS n FROM ${schema}.payments WHERE state IN ('WAITING_SCAN', 'SENDING')`,
          );
          return row.n === 0 ? true : undefined;
        },
        40_000,
      );
      const rows: Array<{ id: string; state: string; upstream_id: string | null }> = await ds.query(
        `SELECT id, state, upstream_id FROM ${schema}.payments`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));

      // Every acknowledged confirmation reached the partner.
      for (const id of confirmed) {
        const upstream = byId.get(id)!.upstream_id;
        await waitFor(`confirmation of ${id}`, () =>
          partner.received.find((m) => m.path === '/payments/confirmations' && m.body.requestId === upstream),
        );
      }
      // Every payment the partner saw that did not end approved has been reversed upstream.
      for (const row of rows.filter((r) => r.upstream_id && r.state !== 'APPROVED' && r.state !== 'DECLINED')) {
        const sent = partner.received.some((m) => m.path === '/payments' && m.body.id === row.upstream_id);
        if (!sent) continue;
        await waitFor(`reversal of ${row.id}`, () =>
          partner.received.find((m) => m.path === '/payments/reversals' && m.body.requestId === row.upstream_id),
        );
      }
      // No advice was ever delivered by two instances at once.
      expect(partner.inFlightMax).toBeLessThanOrEqual(1);
      // Only flows whose QR code was created while their instance was down are missing.
      expect(paymentIds.length).toBeGreaterThan(FLOWS * 0.9);
    } finally {
      await ds.destroy();
    }
  }, 150_000); // ≈ 45 s alone on a slow 2-core machine; more beside the other suites of `npm test`
});

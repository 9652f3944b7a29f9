import BetterSqlite3 from 'better-sqlite3';
import { createQr, poster, scanWhenWaiting, startPay, waitFor } from '../utils/flows';
import { HubProcess, runHubProcessToExit, startHubProcess } from '../utils/hub-process';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/**
 * SQLite is one hub per database file (docs/decisions.md): a second process
 * started on the file of a running hub refuses at once and touches nothing,
 * so a payment the running hub holds is still released by its scan.
 * Always SQLite, whatever TEST_DATABASE says: the rule is SQLite's.
 */
describe('one hub per SQLite file: a second process refuses and touches nothing', () => {
  let db: TestDatabase;
  let partner: PartnerServer;
  let hub: HubProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    partner = await startPartnerServer();
  });
  afterAll(async () => {
    await hub?.kill();
    await partner.close();
    await db.drop();
  });

  it('a second hub on the same file exits non-zero naming the file and the holder; the waiting payment is released by its scan', async () => {
    const config = { walletBaseUrl: partner.baseUrl, walletCaFile: partner.caFile, scanWaitMs: 30_000 };
    hub = await startHubProcess(db.url, config);
    const post = poster(hub.baseUrl);
    const tranId = await createQr(post, 1000);
    const pay = startPay(post, tranId, 1000);
    const file = db.url.slice('sqlite:'.length);
    // The payment is stored and held (read beside the hub: WAL lets a reader in).
    const reader = new BetterSqlite3(file, { readonly: true });
    const state = () => reader.prepare('SELECT state FROM payments WHERE tran_id = ?').pluck().get(tranId);
    await waitFor('the payment to wait for its scan', () => state() === 'WAITING_SCAN' || undefined);

    const second = await runHubProcessToExit(db.url, config, { LOG_LEVEL: 'info' });
    expect(second.code).toBe(1);
    // One line says why, nothing else at error level.
    expect(
      second.output
        .trim()
        .split('\n')
        .filter((l) => l.includes('in use by')),
    ).toHaveLength(1);
    expect(second.output).toContain(`database file ${file} is in use by hub process ${hub.child.pid}`);
    // Refused before it read or wrote anything: no recovery ran, nothing was listening.
    expect(second.output).not.toMatch(/recovered payments|listening on/);
    expect(state()).toBe('WAITING_SCAN');
    reader.close();

    expect((await scanWhenWaiting(post, tranId)).status).toBe(202);
    const answer = await pay.answer;
    expect(answer.status).toBe(201);
    expect(answer.body.tranId).toBe(tranId);
  }, 90_000);
});

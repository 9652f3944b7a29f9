import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { Advice } from '@app/advices/advice.entity';
import { QrHubClient, QrHubClientOptions, silentLogger } from '@qr-hub/client';
import { RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest, aPaymentRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { poster, scanWhenWaiting, waitFor } from '../utils/flows';
import { freePort } from '../utils/hub-process';
import { partnerCalls, PartnerServer, startPartnerServer } from '../utils/partner-server';
import { createTestDatabase, TestDatabase } from '../utils/test-database';
import { testTls } from '../utils/test-tls';

const ROOT = resolve(__dirname, '..', '..');
const COMPILED_CLIENT = join(ROOT, 'packages', 'client', 'dist', 'index.js');

/**
 * A TCP hop in front of the hub, so the POS keeps one address while the hub
 * behind it stops and comes back on another port. With no target, every
 * connection is dropped at once: the hub is unreachable.
 */
async function startHop(port: number): Promise<{ url: string; target: number | null; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const hop = {
    url: `https://localhost:${port}`,
    target: null as number | null,
    close: () => new Promise<void>((done) => (sockets.forEach((s) => s.destroy()), server.close(() => done()))),
  };
  const server: Server = createServer((inbound) => {
    sockets.add(inbound);
    inbound.on('close', () => sockets.delete(inbound));
    if (hop.target === null) return void inbound.destroy();
    const outbound = connect(hop.target, '127.0.0.1');
    sockets.add(outbound);
    outbound.on('close', () => sockets.delete(outbound));
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return hop;
}

/** Builds the packages if the compiled client is missing (`npm test` builds them first). */
function ensureClientBuilt(): void {
  if (existsSync(COMPILED_CLIENT)) return;
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/**
 * Protocol basics: an advice is kept in persistent storage and repeated until
 * a final answer — across a hub outage and across the POS process dying.
 */
describe('retailer client library: advices survive outages and a killed POS', () => {
  let database: TestDatabase;
  let partner: PartnerServer;
  let hub: TestApp;
  let dir: string;
  const clients: QrHubClient[] = [];
  const hubConfig = () => ({ walletBaseUrl: partner.baseUrl, walletCaFile: partner.caFile, database });

  const client = (hubUrl: string, options: Partial<QrHubClientOptions> = {}): QrHubClient => {
    const c = new QrHubClient({
      hubUrl,
      username: RETAILER.id,
      password: RETAILER.password,
      ca: testTls().cert,
      timeoutMs: 5_000,
      queueFile: join(dir, 'pos.sqlite'),
      retry: { initialDelayMs: 50, maxDelayMs: 200, pollMs: 100 },
      logger: silentLogger,
      ...options,
    });
    clients.push(c);
    return c;
  };

  /** An approved payment made through `pos`; returns its request id and tranId. */
  async function approvedPayment(pos: QrHubClient, amount: number) {
    const zar = { amount, currency: '710' };
    const {
      id: _i,
      time: _t,
      ...qr
    } = aCreateQrCodeRequest({ amounts: { requestAmount: zar }, qrProperties: { value: zar } });
    const code = await pos.createQrCode(qr);
    const { id: _id, time: _time, ...request } = aPaymentRequest(code.tranId, { amounts: { requestAmount: zar } });
    const scanning = scanWhenWaiting(poster(hub.baseUrl), code.tranId);
    const paid = await pos.pay(request);
    await scanning;
    if (paid.outcome !== 'approved') throw new Error(`payment not approved: ${JSON.stringify(paid)}`);
    return { requestId: paid.requestId, tranId: code.tranId, response: paid.response };
  }

  const storedAdvice = (id: string) => hub.app.get(DataSource).getRepository(Advice).findOneBy({ id });
  const upstreamConfirmation = (tranId: string) => {
    const upstream = partnerCalls(partner, '/payments').find((m) => m.tranId === tranId)?.id;
    return partnerCalls(partner, '/payments/confirmations').find((m) => m.requestId === upstream);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    partner = await startPartnerServer();
    hub = await createTestApp(hubConfig());
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qr-pos-durable-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await hub.close();
    await partner.close();
    await database.drop();
  });

  it('hub unreachable while a confirmation is queued: it is repeated and delivered once the hub is back', async () => {
    const hop = await startHop(await freePort());
    try {
      hop.target = Number(new URL(hub.baseUrl).port);
      const pos = client(hop.url);
      const sale = await approvedPayment(pos, 1500);

      await hub.close(); // the hub stops; the POS still reaches the hop, which drops the connection
      hop.target = null;
      const confirmation = await pos.confirm(sale.response);
      await waitFor('three failed attempts', () => (pos.advice(confirmation.id)?.attempts ?? 0) >= 3);
      expect(pos.advice(confirmation.id)).toMatchObject({
        status: 'pending',
        lastError: expect.stringMatching(/^connection error/),
      });

      hub = await createTestApp(hubConfig()); // back, on the same database, behind the same address
      hop.target = Number(new URL(hub.baseUrl).port);
      await expect(pos.waitForAdvice(confirmation.id, 10_000)).resolves.toMatchObject({
        status: 'done',
        lastStatus: 202,
      });
      await expect(storedAdvice(confirmation.id)).resolves.toMatchObject({ kind: 'CONFIRMATION', answerStatus: 202 });
      await waitFor('the upstream confirmation', () => upstreamConfirmation(sale.tranId));
    } finally {
      await hop.close();
    }
  });

  it('POS process killed (SIGKILL) with a queued advice: a new process on the same queue file delivers it', async () => {
    ensureClientBuilt();
    const pos = client(hub.baseUrl);
    const sale = await approvedPayment(pos, 1600);
    const queueFile = join(dir, 'killed-pos.sqlite');
    const unreachable = `https://localhost:${await freePort()}`;

    // The POS queues the confirmation while the hub is out of reach, tries once, and is killed.
    const script = `
      const { QrHubClient, silentLogger } = require(${JSON.stringify(COMPILED_CLIENT)});
      const pos = new QrHubClient({
        hubUrl: process.env.HUB, username: process.env.USER_ID, password: process.env.PASSWORD,
        queueFile: process.env.QUEUE, timeoutMs: 1000, logger: silentLogger,
        retry: { initialDelayMs: 600000, maxDelayMs: 600000 },
      });
      pos.confirm(JSON.parse(process.env.PAYMENT)).then(async (advice) => {
        while (pos.advice(advice.id).attempts < 1) await new Promise((r) => setTimeout(r, 20));
        process.stdout.write('queued ' + advice.id + '\\n');
        setInterval(() => undefined, 1000);
      });`;
    const child = spawn(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        HUB: unreachable,
        USER_ID: RETAILER.id,
        PASSWORD: RETAILER.password,
        QUEUE: queueFile,
        PAYMENT: JSON.stringify(sale.response),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    const adviceId = await waitFor('the child to queue the advice', () => /queued (\S+)/.exec(output)?.[1], 15_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const restarted = client(hub.baseUrl, { queueFile });
    expect(restarted.pendingAdvices()).toEqual([
      expect.objectContaining({
        id: adviceId,
        kind: 'confirmation',
        requestId: sale.requestId,
        status: 'pending',
        attempts: 1,
      }),
    ]);
    restarted.start();
    await expect(restarted.waitForAdvice(adviceId, 10_000)).resolves.toMatchObject({ status: 'done', lastStatus: 202 });
    await expect(storedAdvice(adviceId)).resolves.toMatchObject({ kind: 'CONFIRMATION', requestId: sale.requestId });
    await waitFor('the upstream confirmation', () => upstreamConfirmation(sale.tranId));
  });
});

/**
 * Several instances on one PostgreSQL (issue: scale-out). (1) full-flow
 * throughput, closed loop, on 1 and on 2 hub instances side by side in one
 * run (with 2, every flow pays on one instance and scans on the other);
 * (2) cross-instance release latency: pay on A, scan on B, time from the
 * scan's 202 to the hub's PaymentRequest reaching the partner; (3) a soak at
 * about 70% of the measured 2-instance maximum with both instances' RSS
 * sampled every minute.
 *
 *   node dist-bench/bench/cluster.bench.js [--vus=32] [--duration=20] [--soak=600]
 */
import { startHubProcess } from '../test/utils/hub-process';
import { RETAILER, WALLET } from '../test/factories/hub-config.factory';
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aScanNotification,
} from '../test/factories/messages.factory';
import { startPartnerServer } from '../test/utils/partner-server';
import { createTestDatabase } from '../test/utils/test-database';
import { errorType, HubClient, linkHubBuild, prepareTls } from './lib/harness';
import { fail, numberArg } from './lib/args';
import { machineLine } from './lib/machine';
import { mib, statusKiB } from './lib/proc';
import { writeSection } from './lib/report';
import { fmt, sleep, summarize, table } from './lib/stats';

const VUS = numberArg('vus', 32);
const DURATION_S = numberArg('duration', 20);
const SOAK_S = numberArg('soak', 600);

interface Instance {
  client: HubClient;
  pid: number;
}

/** One whole flow; pay on `payOn`, scan on `scanOn`. Returns the scan-202 epoch and tranId, or null. */
async function flow(payOn: Instance, scanOn: Instance): Promise<{ tranId: string; scanAt: number } | null> {
  const qr = await payOn.client.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
  if (qr.status !== 201) return null;
  const tranId = String(qr.body?.tranId);
  const payment = aPaymentRequest(tranId);
  const paying = payOn.client.post('/qr/v1/payments', payment, RETAILER);
  paying.catch(() => undefined);
  let scanAt = 0;
  for (let i = 0; i < 2000; i++) {
    const scan = await scanOn.client.post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    if (scan.status === 202) {
      scanAt = scan.endEpoch;
      break;
    }
    if (errorType(scan) !== 'UNABLE_TO_LOCATE_RECORD') return null;
    await sleep(2);
  }
  if ((await paying).status !== 201) return null;
  const confirm = await payOn.client.post('/qr/v1/payments/confirmations', aPaymentConfirmation(payment.id), RETAILER);
  return confirm.status === 202 ? { tranId, scanAt } : null;
}

async function closedLoop(instances: Instance[], seconds: number, vus: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: vus }, async (_, v) => {
      let n = v;
      while (performance.now() < deadline) {
        const a = instances[n % instances.length];
        const b = instances[(n + 1) % instances.length];
        n += 1;
        if (await flow(a, b).catch(() => null)) done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  await prepareTls();
  linkHubBuild();
  const partner = await startPartnerServer();
  const db = await createTestDatabase('postgres');
  const config = {
    walletBaseUrl: partner.baseUrl,
    walletCaFile: partner.caFile,
    scanWaitMs: 30_000,
    partnerTimeoutMs: 25_000,
  };
  const procs = [
    await startHubProcess(db.url, config, undefined, { LOG_LEVEL: 'error', INSTANCE_ID: 'bench-a' }),
    await startHubProcess(db.url, config, undefined, { LOG_LEVEL: 'error', INSTANCE_ID: 'bench-b' }),
  ];
  const instances: Instance[] = procs.map((p) => ({
    client: new HubClient(`https://127.0.0.1:${p.port}`, VUS + 8),
    pid: p.child.pid ?? 0,
  }));
  try {
    await closedLoop(instances.slice(0, 1), 3, VUS); // warm-up
    const one = await closedLoop(instances.slice(0, 1), DURATION_S, VUS);
    await closedLoop(instances, 3, VUS);
    const two = await closedLoop(instances, DURATION_S, VUS);
    console.log(`flows/s: 1 instance ${fmt(one)}, 2 instances ${fmt(two)}`);

    // Cross-instance release at a gentle 20 flows/s: pay on A, scan on B.
    const releases: number[] = [];
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < 20 * DURATION_S; i++) {
      pending.push(
        flow(instances[0], instances[1])
          .then((r) => {
            if (!r) return;
            const sent = partner.received.find((m) => m.path === '/payments' && m.body.tranId === r.tranId);
            if (sent) releases.push(sent.at - r.scanAt);
          })
          .catch(() => undefined),
      );
      await sleep(50);
    }
    await Promise.all(pending);
    const release = summarize(releases);
    console.log(`cross-instance release p50 ${fmt(release.p50)} p99 ${fmt(release.p99)} ms`);

    // Soak at ~70% of the 2-instance maximum, RSS of both every minute.
    const rate = Math.max(1, Math.round(two * 0.7));
    const samples: string[][] = [];
    const soakStart = Date.now();
    let soakFlows = 0;
    let soakFailed = 0;
    const soakPending = new Set<Promise<void>>();
    let nextSample = soakStart;
    for (let i = 0; Date.now() - soakStart < SOAK_S * 1000; i++) {
      if (Date.now() >= nextSample) {
        samples.push([
          String(Math.round((Date.now() - soakStart) / 60_000)),
          ...instances.map((x) => mib(statusKiB(x.pid, 'VmRSS'))),
        ]);
        nextSample += 60_000;
      }
      const wait = soakStart + (i * 1000) / rate - Date.now();
      if (wait > 1) await sleep(wait);
      const p = flow(instances[i % 2], instances[(i + 1) % 2])
        .then((r) => void (r ? (soakFlows += 1) : (soakFailed += 1)))
        .catch(() => void (soakFailed += 1))
        .finally(() => soakPending.delete(p));
      soakPending.add(p);
    }
    await Promise.all(soakPending);
    samples.push([String(Math.round(SOAK_S / 60)), ...instances.map((x) => mib(statusKiB(x.pid, 'VmRSS')))]);

    const md = [
      '### Several instances on one PostgreSQL',
      '',
      machineLine(),
      '',
      `Full flow (createQrCode → pay ∥ scan → partner approves → confirm), closed loop, ${VUS} virtual users, ${DURATION_S} s after a 3 s warm-up. With 2 instances every flow pays on one and scans on the other, so each release crosses instances (NOTIFY).`,
      '',
      table(
        ['', '1 instance', '2 instances'],
        [
          ['flows/s', fmt(one), fmt(two)],
          ['ratio', '1.00', fmt(two / one, 2)],
        ],
      ),
      '',
      `Cross-instance release (pay held on A, scan accepted by B, 20 flows/s): scan 202 → the hub's PaymentRequest at the partner, p50 **${fmt(release.p50)} ms**, p99 **${fmt(release.p99)} ms** (n=${releases.length}; target p99 ≤ 50 ms).`,
      '',
      `Soak: ${fmt(SOAK_S / 60)} min at ${rate} flows/s (≈ 70% of the 2-instance maximum), ${soakFlows} flows completed, ${soakFailed} failed. RSS of each instance, sampled each minute:`,
      '',
      table(['minute', 'instance A', 'instance B'], samples),
    ].join('\n');
    writeSection('cluster', md);
    console.log(md);
  } finally {
    await Promise.all(instances.map((x) => x.client.close()));
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    await partner.close();
    await db.drop();
  }
}

main().catch(fail);

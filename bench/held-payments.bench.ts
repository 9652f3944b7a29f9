/**
 * 10,000 payments held at once on one hub (SQLite), then released by scans at
 * 500/s. Measures the hub's memory while holding (VmRSS every 200 ms, VmHWM)
 * and, per payment, the time from the scan's 202 to the hub's PaymentRequest
 * arriving at the partner; goals: RSS per held payment above the idle hub
 * ≤ 32 KiB, and the release's peak ≤ 1.3 × the all-held RSS.
 *
 *   node dist-bench/bench/held-payments.bench.js [--count=10000] [--scan-rate=500] [--profile]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { RETAILER, testHubConfigYaml, WALLET } from '../test/factories/hub-config.factory';
import { aCreateQrCodeRequest, aPaymentRequest, aScanNotification } from '../test/factories/messages.factory';
import { startPartnerServer } from '../test/utils/partner-server';
import { testTls } from '../test/utils/test-tls';
import { HubClient, prepareTls, diagnosticsEnv, startBenchHub } from './lib/harness';
import { fail, numberArg } from './lib/args';
import { machineLine } from './lib/machine';
import { cpuTriple, mib, RssSampler } from './lib/proc';
import { writeSection } from './lib/report';
import { fmt, forEachLimit, sleep, summarize, table } from './lib/stats';

const COUNT = numberArg('count', 10_000);
const SCAN_RATE = numberArg('scan-rate', 500);
const GOAL_KIB_PER_HELD = 32;
const GOAL_PEAK_VS_HELD = 1.3;
const OPENING = 200; // pay connections being opened at once (TLS handshakes)
/** Long enough that opening 10,000 pays (≈ 50 s on a slow run) and releasing them all fit in it. */
const SCAN_WAIT_MS = 180_000;
/**
 * `--heap-growing-percent=N`: run the hub with HUB_HEAP_GROWING_PERCENT=N (src/runtime/heap-growth.ts;
 * 0 = V8's own choice); own section. Without it the hub's default policy applies.
 */
const HEAP_GROWING = numberArg('heap-growing-percent', -1);
const HEAP_SET = HEAP_GROWING >= 0;
/** Runs with other sizes, rates or heap growth get their own section, after the standard one. */
const SECTION =
  (COUNT === 10_000 && SCAN_RATE === 500 ? 'held-payments' : `held-payments-${COUNT}-at-${SCAN_RATE}`) +
  (HEAP_SET ? `-heap-growing-${HEAP_GROWING}` : '');
const PARTNER_TIMEOUT_MS = 5_000;

/** Sends one pay on its own socket; resolves with the status when the hub answers. */
function openPay(agent: Agent, port: number, body: string, opened: () => void): Promise<number> {
  return new Promise((done) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/qr/v1/payments',
        auth: `${RETAILER.id}:${RETAILER.password}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('socket', (socket) => socket.once('secureConnect', opened));
    req.on('error', () => {
      opened();
      done(0);
    });
    req.end(body);
  });
}

async function main(): Promise<void> {
  await prepareTls();
  const partner = await startPartnerServer();
  const dir = mkdtempSync(join(tmpdir(), 'qr-hub-held-'));
  const configFile = join(dir, 'hub.yaml');
  // scanWaitMs + partnerTimeoutMs must fit in retailerTimeoutMs (docs/protocol.md §5.6); the test YAML fixes that at 60 s.
  const yaml = testHubConfigYaml({
    walletBaseUrl: partner.baseUrl,
    walletCaFile: partner.caFile,
    scanWaitMs: SCAN_WAIT_MS,
    partnerTimeoutMs: PARTNER_TIMEOUT_MS,
    // One retailer holds every payment here: no cap on those waiting for a scan.
    heldPaymentsPerRetailer: 1_000_000,
  }).replace('retailerTimeoutMs: 60000', `retailerTimeoutMs: ${SCAN_WAIT_MS + PARTNER_TIMEOUT_MS}`);
  writeFileSync(configFile, yaml);
  const bench = await startBenchHub(
    'sqlite',
    {},
    {
      HUB_CONFIG: configFile,
      ...(HEAP_SET ? { HUB_HEAP_GROWING_PERCENT: String(HEAP_GROWING) } : {}),
      ...diagnosticsEnv(process.argv, dir),
    },
  );
  const client = new HubClient(bench.origin, 64);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, ca: testTls().cert });
  const rss = new RssSampler(bench.pid, 200);
  try {
    const tranIds: string[] = [];
    await forEachLimit(Array.from({ length: COUNT }), 32, async (_, i) => {
      const qr = await client.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
      if (qr.status !== 201) throw new Error(`createQrCode ${qr.status}`);
      tranIds[i] = String(qr.body?.tranId);
    });
    const idleKiB = rss.start().samples[0]?.kiB ?? Number.NaN;
    process.stdout.write(`${COUNT} QR codes; hub RSS ${mib(idleKiB)}; opening ${COUNT} pays…\n`);

    // Open every pay on its own socket, at most OPENING handshakes at once.
    const t0 = performance.now();
    let connecting = 0;
    const answers: Array<Promise<number>> = [];
    for (const tranId of tranIds) {
      while (connecting >= OPENING) await sleep(1);
      connecting += 1;
      let once = false;
      const opened = () => void (once || ((once = true), (connecting -= 1)));
      answers.push(openPay(agent, bench.hub.port, JSON.stringify(aPaymentRequest(tranId)), opened));
    }
    const db = new BetterSqlite3(bench.db.url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    const waiting = db.prepare("SELECT COUNT(*) AS n FROM payments WHERE state = 'WAITING_SCAN'");
    let held = 0;
    while (held < COUNT && performance.now() - t0 < 120_000) {
      await sleep(200);
      held = (waiting.get() as { n: number }).n;
    }
    db.close();
    const openMs = performance.now() - t0;
    await sleep(1_000);
    const heldKiB = rss.samples.at(-1)?.kiB ?? Number.NaN;
    const sentEarly = partner.received.length;
    process.stdout.write(`${held} held after ${fmt(openMs / 1000)} s; RSS ${mib(heldKiB)}; partner got ${sentEarly}\n`);

    // Release them: scans at SCAN_RATE/s on an absolute schedule, in the order the pays were opened.
    const scanned = new Map<string, number>();
    const scanStatus = new Map<number, number>();
    const meter = cpuTriple(bench.pid);
    const s0 = performance.now();
    const scans: Array<Promise<void>> = [];
    for (let i = 0; i < tranIds.length; i++) {
      const wait = s0 + (i * 1000) / SCAN_RATE - performance.now();
      if (wait > 1) await sleep(wait);
      const tranId = tranIds[i];
      scans.push(
        client.post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET).then(
          (a) => {
            scanStatus.set(a.status, (scanStatus.get(a.status) ?? 0) + 1);
            if (a.status === 202) scanned.set(tranId, a.endEpoch);
          },
          () => void scanStatus.set(0, (scanStatus.get(0) ?? 0) + 1), // 0: connection error (e.g. reset)
        ),
      );
    }
    await Promise.all(scans);
    if (scanStatus.has(0))
      process.stderr.write(`hub output (scan connection errors):\n${bench.hub.output().slice(-3000)}\n`);
    const statuses = await Promise.all(answers);
    const cpu = meter.stop();
    const releaseS = (performance.now() - s0) / 1000;
    const { peakKiB, hwmKiB } = rss.stop();
    const arrived = new Map<string, number>();
    for (const m of partner.received) if (m.path === '/payments') arrived.set(String(m.body.tranId), m.at);
    const deltas = [...scanned].filter(([t]) => arrived.has(t)).map(([t, at]) => (arrived.get(t) ?? 0) - at);
    const s = summarize(deltas);
    const paid = statuses.filter((c) => c === 201).length;
    const codes = JSON.stringify(
      statuses.reduce<Record<number, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {}),
    );
    const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
    // Issue goals as ratios: memory per held payment above the idle hub, and the release's peak.
    const perHeldKiB = (heldKiB - idleKiB) / held;
    const peakVsHeld = peakKiB / heldKiB;
    const md = [
      `### ${COUNT.toLocaleString('en')} payments held at once, released at ${SCAN_RATE}/s (SQLite)` +
        (HEAP_SET ? `, HUB_HEAP_GROWING_PERCENT=${HEAP_GROWING}` : ''),
      '',
      machineLine(),
      '',
      `Config scanWaitMs ${SCAN_WAIT_MS}, partnerTimeoutMs ${PARTNER_TIMEOUT_MS}, retailerTimeoutMs ` +
        `${SCAN_WAIT_MS + PARTNER_TIMEOUT_MS}. Each pay on its own HTTPS socket (one https.Agent, keep-alive, ` +
        `maxSockets ∞, ≤ ${OPENING} handshakes at once); "held" = payments rows in WAITING_SCAN. Scans at ` +
        `${SCAN_RATE}/s over 64 keep-alive connections. Release latency = the partner's arrival time of the ` +
        "hub's PaymentRequest (matched by tranId) − the time the scan's 202 reached the load generator " +
        '(both Date.now(), same process; negative = the request reached the partner before the 202 reached the scanner).',
      '',
      `**Per held payment: ${fmt(perHeldKiB, 1)} KiB of RSS above the idle hub** (goal ≤ ${GOAL_KIB_PER_HELD}: ` +
        `${verdict(perHeldKiB <= GOAL_KIB_PER_HELD)}); **peak while released ${fmt(peakVsHeld, 2)} × all held** ` +
        `(goal ≤ ${GOAL_PEAK_VS_HELD}: ${verdict(peakVsHeld <= GOAL_PEAK_VS_HELD)}).`,
      '',
      table(
        ['measure', 'value'],
        [
          ['payments held at once', `${held} (in ${fmt(openMs / 1000)} s)`],
          ['partner calls before any scan', `${sentEarly}`],
          ['hub RSS: idle (QR codes made) → all held', `${mib(idleKiB)} → ${mib(heldKiB)}`],
          ['hub RSS peak (200 ms samples) / VmHWM', `${mib(peakKiB)} / ${mib(hwmKiB)}`],
          ['scan → partner p50 / p99 / max (ms)', `${fmt(s.p50, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)} (n=${s.n})`],
          ['scans answered (0 = connection error)', JSON.stringify(Object.fromEntries(scanStatus))],
          ['pay answers (0 = connection error)', `${paid} × 201 of ${COUNT} ${codes}`],
          ['first scan → last pay answer, s', fmt(releaseS)],
          ['CPU from the first scan to the last answer: hub / load generator + partner / machine', cpu],
        ],
      ),
      '',
      `Every payment 201: ${verdict(paid === COUNT)}. Release latency and absolute RSS are context (earlier ` +
        `targets: p99 ≤ 50 ms, ${fmt(s.p99, 0)} here; peak ≤ 1 GiB, ${mib(hwmKiB)} here).`,
    ].join('\n');
    process.stdout.write(`\n${md}\n\nwritten to ${writeSection(SECTION, md)}\n`);
  } finally {
    rss.stop();
    agent.destroy();
    await client.close();
    await bench.stop();
    await partner.close();
  }
}

main().catch(fail);

/**
 * Store-and-forward drain: 10,000 confirmations queued while the partner is
 * down, then delivered when it comes back. Setup uses the fast path (a pay
 * naming its partner is routed without a scan, docs/protocol.md §5.3). Measures from the
 * partner's return until it has received every confirmation → advices/s
 * (target ≥ 1,000/s on SQLite). saf.initialDelayMs 200, maxDelayMs 1000.
 *
 *   node dist-bench/bench/saf-drain.bench.js [--count=10000] [--db=sqlite|postgres] [--profile]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETAILER } from '../test/factories/hub-config.factory';
import { aCreateQrCodeRequest, aPaymentConfirmation, aPaymentRequest } from '../test/factories/messages.factory';
import { startPartnerServer } from '../test/utils/partner-server';
import { DbKind, HubClient, prepareTls, diagnosticsEnv, startBenchHub } from './lib/harness';
import { dbKinds, fail, numberArg, storeName } from './lib/args';
import { machineLine } from './lib/machine';
import { cpuTriple } from './lib/proc';
import { writeSection } from './lib/report';
import { fmt, forEachLimit, sleep, table } from './lib/stats';

const COUNT = numberArg('count', 10_000);
const DOWN_MS = numberArg('down-ms', 3_000);
const SAF = { initialDelayMs: 200, maxDelayMs: 1_000 };

interface Drain {
  kind: DbKind;
  setupS: number;
  lost: number;
  confirmS: number;
  accepted: number;
  whileDown: number;
  attemptsDown: number;
  delivered: number;
  distinct: number;
  firstMs: number;
  allMs: number;
  cpu: string;
}

async function run(kind: DbKind, profileDir: string): Promise<Drain> {
  const partner = await startPartnerServer();
  const bench = await startBenchHub(
    kind,
    { walletBaseUrl: partner.baseUrl, walletCaFile: partner.caFile, ...SAF },
    diagnosticsEnv(process.argv, profileDir),
  );
  const client = new HubClient(bench.origin, 64);
  try {
    const t0 = performance.now();
    const payIds: string[] = [];
    let lost = 0; // calls that failed on the connection (reset) or were not approved: not confirmed later
    await forEachLimit(Array.from({ length: COUNT }), 64, async (_, i) => {
      try {
        const qr = await client.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
        const payment = aPaymentRequest(String(qr.body?.tranId), { partner: { id: 'wallet-a', name: 'Wallet A' } });
        const paid = await client.post('/qr/v1/payments', payment, RETAILER);
        if (paid.status === 201) payIds[i] = payment.id;
        else lost += 1;
      } catch {
        lost += 1;
      }
    });
    const setupS = (performance.now() - t0) / 1000;

    partner.setMode('down');
    const t1 = performance.now();
    let accepted = 0;
    await forEachLimit(payIds.filter(Boolean), 64, async (id) => {
      const a = await client
        .post('/qr/v1/payments/confirmations', aPaymentConfirmation(id), RETAILER)
        .catch(() => null);
      if (a?.status === 202) accepted += 1;
    });
    const confirmS = (performance.now() - t1) / 1000;
    process.stdout.write(
      `${kind}: ${COUNT - lost} payments in ${fmt(setupS)} s (${lost} failed); ${accepted} confirmations 202 in ${fmt(confirmS)} s\n`,
    );
    await sleep(DOWN_MS);
    const confirmations = () => partner.received.filter((m) => m.path === '/payments/confirmations');
    const whileDown = confirmations().length;
    const attemptsDown = partner.connections; // the partner drops each connection: ≈ one per attempt

    const meter = cpuTriple(bench.pid);
    partner.setMode('normal');
    const back = performance.now();
    const backEpoch = Date.now();
    while (confirmations().length < accepted && performance.now() - back < 300_000) await sleep(10);
    const allMs = performance.now() - back;
    const cpu = meter.stop();
    const got = confirmations();
    const result: Drain = {
      kind,
      setupS,
      lost,
      confirmS,
      accepted,
      whileDown,
      attemptsDown,
      delivered: got.length,
      distinct: new Set(got.map((m) => String(m.body.id))).size,
      firstMs: got.length ? Math.min(...got.map((m) => m.at)) - backEpoch : Number.NaN,
      allMs,
      cpu,
    };
    process.stdout.write(
      `${kind}: ${result.delivered} delivered in ${fmt(allMs)} ms → ${fmt((result.delivered / allMs) * 1000)}/s\n`,
    );
    return result;
  } catch (error) {
    process.stderr.write(`hub output:\n${bench.hub.output().slice(-4000)}\n`);
    throw error;
  } finally {
    await client.close();
    await bench.stop();
    await partner.close();
  }
}

/** The goal as a ratio measured in one run (docs/benchmarks.md, the table at the top). */
const GOAL_POSTGRES_VS_SQLITE = 0.75;

function describe(results: Drain[]): string {
  const rate = (r: Drain): number => (r.delivered / r.allMs) * 1000;
  const sqlite = results.find((r) => r.kind === 'sqlite');
  const postgres = results.find((r) => r.kind === 'postgres');
  const ratio = sqlite && postgres ? rate(postgres) / rate(sqlite) : Number.NaN;
  const goal = Number.isNaN(ratio)
    ? 'not measured (needs both stores)'
    : `${ratio >= GOAL_POSTGRES_VS_SQLITE ? '**met**' : '**missed**'} (goal ≥ ${GOAL_POSTGRES_VS_SQLITE})`;
  return [
    `### Store-and-forward drain: ${COUNT.toLocaleString('en')} queued confirmations`,
    '',
    `**PostgreSQL drains at ${fmt(ratio, 2)} × SQLite's rate in the same run** ${goal}.`,
    '',
    machineLine(),
    '',
    `${COUNT} approved payments (pay naming partner wallet-a: routed without a scan); the partner is set ` +
      `down (drops every connection unanswered and unrecorded); ${COUNT} confirmations are sent (202 = ` +
      `stored); ${DOWN_MS / 1000} s later the partner is back, and the clock runs until it has received ` +
      `every confirmation. Config saf.initialDelayMs ${SAF.initialDelayMs}, maxDelayMs ${SAF.maxDelayMs} ` +
      '(so retries already backed off to ≤ 1 s fall due quickly; up to ~1 s of the drain is that wait), ' +
      'leaseMs 30000, batchSize 100.',
    '',
    table(
      ['', ...results.map((r) => storeName(r.kind))],
      [
        ['setup: createQr + pay, s (payments not made)', ...results.map((r) => `${fmt(r.setupS)} (${r.lost})`)],
        [
          'confirmations 202 / sent (s)',
          ...results.map((r) => `${r.accepted} / ${COUNT - r.lost} (${fmt(r.confirmS)} s)`),
        ],
        ['received while down', ...results.map((r) => `${r.whileDown}`)],
        [
          'TLS connections the partner accepted until it was back (each failed attempt opens one)',
          ...results.map((r) => `${r.attemptsDown}`),
        ],
        ['first delivery after the return, ms', ...results.map((r) => fmt(r.firstMs, 0))],
        ['all delivered after the return, ms', ...results.map((r) => fmt(r.allMs, 0))],
        ['**advices/s** (delivered / that time)', ...results.map((r) => `**${fmt(rate(r), 0)}**`)],
        ['delivered / distinct ids', ...results.map((r) => `${r.delivered} / ${r.distinct}`)],
        ['CPU during the drain: hub / load generator + partner / machine', ...results.map((r) => r.cpu)],
      ],
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  await prepareTls();
  const profileDir = mkdtempSync(join(tmpdir(), 'qr-hub-prof-'));
  const results: Array<Awaited<ReturnType<typeof run>>> = [];
  for (const kind of dbKinds()) results.push(await run(kind, profileDir));
  const md = describe(results) + (process.argv.includes('--profile') ? `\n\nCPU profiles: \`${profileDir}\`.` : '');
  process.stdout.write(`\n${md}\n\nwritten to ${writeSection('saf-drain', md)}\n`);
}

main().catch(fail);

/**
 * Overload is answered, not turned into reversals (docs/decisions.md,
 * "Overload is refused, not queued"). The hub against a real HTTPS partner
 * that approves at once: first its capacity (closed loop, 64 users), then
 * flows offered on an open schedule at half that rate (the latency of a hub
 * that keeps up), then at twice it for `--duration` s, then at half again
 * (how soon full service is back). Each flow: createQrCode → pay ∥ scan
 * (scan retried while too early); no confirmation. Run twice in one process:
 * with overload admission as shipped (`limits.maxEventLoopDelayMs` 25) and
 * with it off, so the difference is measured on the same machine, same run.
 *
 * What counts: pays answered 201; work refused at once with 503 "Hub busy"
 * (createQrCode, pay or scan: nothing stored or sent); timeout reversals
 * (pay answered 503 UPSTREAM_UNAVAILABLE: the partner approves at once, so
 * each is the hub's own queueing, which must not happen); scan → pay answer
 * p99 of the admitted payments, against its value at half capacity.
 *
 *   node dist-bench/bench/overload.bench.js [--db=sqlite|postgres] [--duration=60] [--partner-timeout=5000]
 */
import { RETAILER, WALLET } from '../test/factories/hub-config.factory';
import { aCreateQrCodeRequest, aPaymentRequest, aScanNotification } from '../test/factories/messages.factory';
import { startPartnerServer } from '../test/utils/partner-server';
import { DEFAULT_MAX_EVENT_LOOP_DELAY_MS } from '@app/config/hub-config.schema';
import { dbKinds, fail, numberArg, storeName } from './lib/args';
import { Answer, DbKind, errorType, HubClient, prepareTls, startBenchHub } from './lib/harness';
import { machineLine } from './lib/machine';
import { writeSection } from './lib/report';
import { fmt, sleep, summarize, table } from './lib/stats';

const DURATION_S = numberArg('duration', 60);
const PARTNER_TIMEOUT_MS = numberArg('partner-timeout', 5_000);
/** `--max-lag=ms`: `limits.maxEventLoopDelayMs` for the admission-on run (default: as shipped). */
const MAX_LAG_MS = numberArg('max-lag', DEFAULT_MAX_EVENT_LOOP_DELAY_MS);
const CAPACITY_S = 10;
const HALF_S = 15;
const SCAN_WAIT_MS = 3_000;
const BUSY = 'Hub busy: nothing done, try again';

type Outcome = 'paid' | 'refused' | 'timeoutReversal' | 'noScan' | 'other';

interface Flow {
  outcome: Outcome;
  /** Scan 202 → pay answer, ms (paid flows only). */
  release: number | null;
  /** When the flow ended (performance.now()). */
  end: number;
  detail: string;
}

const isBusy = (a: Answer): boolean => a.status === 503 && a.body?.errorMessage === BUSY;

async function flow(retail: HubClient, wallet: HubClient): Promise<Flow> {
  const done = (outcome: Outcome, detail: string, release: number | null = null): Flow => ({
    outcome,
    release,
    end: performance.now(),
    detail,
  });
  try {
    const qr = await retail.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
    if (isBusy(qr)) return done('refused', 'createQr busy');
    if (qr.status !== 201) return done('other', `createQr ${qr.status} ${errorType(qr) ?? ''}`);
    const tranId = String(qr.body?.tranId);
    const paying = retail.post('/qr/v1/payments', aPaymentRequest(tranId), RETAILER);
    paying.catch(() => undefined);
    let scan: Answer;
    for (let tries = 0; ; tries++) {
      scan = await wallet.post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
      if (scan.status !== 400 || errorType(scan) !== 'UNABLE_TO_LOCATE_RECORD' || tries >= 500) break;
      await sleep(5);
    }
    const paid = await paying;
    if (isBusy(paid)) return done('refused', 'pay busy');
    if (paid.status === 201) return done('paid', 'paid', scan.status === 202 ? paid.end - scan.end : null);
    if (paid.status === 503 && errorType(paid) === 'UPSTREAM_UNAVAILABLE')
      return done('timeoutReversal', 'pay 503 UPSTREAM_UNAVAILABLE');
    if (isBusy(scan)) return done('refused', `scan busy, then pay ${paid.status} ${errorType(paid) ?? ''}`.trim());
    if (paid.status === 400 && errorType(paid) === 'NO_SCAN_RECEIVED') return done('noScan', `scan ${scan.status}`);
    return done('other', `scan ${scan.status}, pay ${paid.status} ${errorType(paid) ?? ''}`.trim());
  } catch (error) {
    return done('other', (error as Error).message.slice(0, 80));
  }
}

/** A new flow every 1/rate s on an absolute schedule for `seconds`, whatever the answers' pace. */
async function openLoop(retail: HubClient, wallet: HubClient, rate: number, seconds: number): Promise<Flow[]> {
  const started: Array<Promise<Flow>> = [];
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    started.push(flow(retail, wallet));
  }
  return Promise.all(started);
}

async function closedLoop(retail: HubClient, wallet: HubClient, users: number, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let paid = 0;
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (performance.now() < deadline) if ((await flow(retail, wallet)).outcome === 'paid') paid++;
    }),
  );
  return paid / seconds;
}

interface Phase {
  rate: number;
  flows: Flow[];
}

interface Run {
  label: string;
  capacity: number;
  half: Phase;
  over: Phase;
  after: Phase;
  /** Seconds from the end of the overload until the first of 20 flows in a row that all paid. */
  recoveryS: number;
}

async function run(kind: DbKind, admission: boolean): Promise<Run> {
  const partner = await startPartnerServer();
  const bench = await startBenchHub(kind, {
    walletBaseUrl: partner.baseUrl,
    walletCaFile: partner.caFile,
    partnerTimeoutMs: PARTNER_TIMEOUT_MS,
    scanWaitMs: SCAN_WAIT_MS,
    // As shipped (or --max-lag), or off.
    maxEventLoopDelayMs: admission ? MAX_LAG_MS : 60_000,
  });
  const retail = new HubClient(bench.origin, 512);
  const wallet = new HubClient(bench.origin, 256);
  try {
    await closedLoop(retail, wallet, 64, 3);
    const capacity = await closedLoop(retail, wallet, 64, CAPACITY_S);
    const halfRate = Math.max(1, Math.round(capacity / 2));
    const half = { rate: halfRate, flows: await openLoop(retail, wallet, halfRate, HALF_S) };
    const overRate = Math.round(capacity * 2);
    const over = { rate: overRate, flows: await openLoop(retail, wallet, overRate, DURATION_S) };
    const overEnd = Math.max(...over.flows.map((f) => f.end));
    const after = { rate: halfRate, flows: await openLoop(retail, wallet, halfRate, HALF_S) };
    const ordered = [...after.flows].sort((a, b) => a.end - b.end);
    let recoveryS = Number.NaN;
    for (let i = 0; i + 20 <= ordered.length; i++) {
      if (ordered.slice(i, i + 20).every((f) => f.outcome === 'paid')) {
        recoveryS = Math.max(0, (ordered[i].end - overEnd) / 1000);
        break;
      }
    }
    const label = `${storeName(kind)}, admission ${admission ? `on (${MAX_LAG_MS} ms)` : 'off'}`;
    const count = (p: Phase, o: Outcome) => p.flows.filter((f) => f.outcome === o).length;
    process.stdout.write(
      `${label}: capacity ${fmt(capacity)} flows/s; over ${overRate}/s: paid ${count(over, 'paid')}, refused ${count(over, 'refused')}, ` +
        `timeout reversals ${count(over, 'timeoutReversal')}, no scan ${count(over, 'noScan')}, other ${count(over, 'other')}\n`,
    );
    return { label, capacity, half, over, after, recoveryS };
  } finally {
    await retail.close();
    await wallet.close();
    await bench.stop();
    await partner.close();
  }
}

function describe(runs: Run[]): string {
  const count = (p: Phase, o: Outcome): number => p.flows.filter((f) => f.outcome === o).length;
  const p99 = (p: Phase): number => summarize(p.flows.flatMap((f) => (f.release === null ? [] : [f.release]))).p99;
  const others = (p: Phase): string => {
    const m = new Map<string, number>();
    for (const f of p.flows)
      if (f.outcome === 'other' || f.outcome === 'noScan') m.set(f.detail, (m.get(f.detail) ?? 0) + 1);
    return m.size ? JSON.stringify(Object.fromEntries(m)) : '—';
  };
  const each = (f: (r: Run) => string): string[] => runs.map(f);
  const on = runs.find((r) => r.label.includes('on'));
  const lead = on
    ? `**At 2 × capacity for ${DURATION_S} s with admission on: ${count(on.over, 'timeoutReversal')} timeout reversals, ` +
      `${count(on.over, 'refused')} of ${on.over.flows.length} flows refused at once, admitted scan → answer p99 ` +
      `${fmt(p99(on.over) / p99(on.half), 1)} × its value at half capacity, full service ${fmt(on.recoveryS, 1)} s after.** ` +
      'Goals: 0 hub-caused timeout reversals; p99 ≤ 4 ×; full service within 5 s.'
    : '';
  return [
    `### Overload: flows offered at 2 × capacity for ${DURATION_S} s`,
    '',
    lead,
    '',
    machineLine(),
    '',
    `Partner: a real HTTPS server approving at once; partnerTimeoutMs ${PARTNER_TIMEOUT_MS}, scanWaitMs ${SCAN_WAIT_MS}. ` +
      `Capacity: paid flows/s of a closed loop (64 users, ${CAPACITY_S} s). Then open loops: half capacity ${HALF_S} s, ` +
      `2 × capacity ${DURATION_S} s, half capacity ${HALF_S} s. "Refused": 503 "${BUSY}" to createQrCode, pay or scan.`,
    '',
    table(
      ['', ...runs.map((r) => r.label)],
      [
        ['capacity, paid flows/s', ...each((r) => fmt(r.capacity))],
        ['half capacity: offered / paid', ...each((r) => `${r.half.flows.length} / ${count(r.half, 'paid')}`)],
        ['half capacity: scan → answer p99, ms', ...each((r) => fmt(p99(r.half)))],
        ['2 ×: rate, flows/s', ...each((r) => `${r.over.rate}`)],
        [
          '2 ×: offered / **paid** / refused at once',
          ...each((r) => `${r.over.flows.length} / **${count(r.over, 'paid')}** / ${count(r.over, 'refused')}`),
        ],
        [
          '2 ×: **timeout reversals** (pay 503 UPSTREAM_UNAVAILABLE)',
          ...each((r) => `**${count(r.over, 'timeoutReversal')}**`),
        ],
        ['2 ×: no scan in time / other', ...each((r) => `${count(r.over, 'noScan')} / ${count(r.over, 'other')}`)],
        [
          '2 ×: admitted scan → answer p99, ms (× half capacity)',
          ...each((r) => `${fmt(p99(r.over))} (${fmt(p99(r.over) / p99(r.half), 1)} ×)`),
        ],
        ['after: full service (20 paid in a row) after, s', ...each((r) => fmt(r.recoveryS, 1))],
        ['not paid, by answer (2 ×)', ...each((r) => others(r.over))],
      ],
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  await prepareTls();
  const runs: Run[] = [];
  const [kind] = dbKinds();
  for (const admission of [true, false]) runs.push(await run(kind, admission));
  const md = describe(runs);
  process.stdout.write(`\n${md}\n\nwritten to ${writeSection(`overload-${kind}`, md)}\n`);
}

main().catch(fail);

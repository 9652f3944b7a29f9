/**
 * The whole lifecycle under load (issue: lifecycle): createQrCode → pay ∥ scan
 * → the hub's PaymentRequest to a real HTTPS partner (electrum-http, cents 00
 * approve) → confirmPayment, delivered to the partner by store-and-forward.
 * Hub on SQLite, then on PostgreSQL. (a) closed loop: C virtual users for D s
 * → flows/s and hub CPU per flow in bare requests (goal ≤ 8); (b) open loop at R flows/s for D s →
 * p50/p99 of the hub-added latency (definition in docs/benchmarks.md).
 *
 *   node dist-bench/bench/full-flow.bench.js [--vus=64] [--rate=150] [--duration=20] [--db=sqlite|postgres] [--profile]
 *
 * Before/after in one run: `--against=<another checkout, built>` starts this
 * build's hub and that checkout's side by side (each on its own store, one
 * partner) and loads them in turn, `--slices=` slices of `--duration=`/slices
 * seconds each, so whatever else the machine is doing falls on both alike.
 * It prints each build's hub CPU per flow and their ratio, and writes nothing.
 * `--stores-alternating` does the same with this build on SQLite and on
 * PostgreSQL: the goal "PostgreSQL within 1.3 × SQLite" measured without the
 * drift between two runs one after the other.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETAILER, WALLET } from '../test/factories/hub-config.factory';
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aScanNotification,
} from '../test/factories/messages.factory';
import { startPartnerServer } from '../test/utils/partner-server';
import { LoadRow, measureBareRoute } from './lib/bare-route';
import { Answer, DbKind, errorType, HubClient, prepareTls, diagnosticsEnv, startBenchHub } from './lib/harness';
import { dbKinds, fail, numberArg, storeName, stringArg } from './lib/args';
import { machineLine } from './lib/machine';
import { cpuSeconds, cpuTriple } from './lib/proc';
import { writeSection } from './lib/report';
import { fmt, sleep, summarize, table } from './lib/stats';

const VUS = numberArg('vus', 64);
const RATE = numberArg('rate', 150);
const DURATION_S = numberArg('duration', 20);
const WARMUP_S = numberArg('warmup', 3);
/** `--grace=ms`: run with timeouts.earlyScanGraceMs (docs/protocol.md §6), so an early scan is kept, not declined; own section. */
const GRACE_MS = numberArg('grace', 0);
/**
 * `--scan-after=ms`: the wallet's first scan goes this long after the pay was sent (a stand-in for
 * the customer's reaction time, which is seconds in a shop); 0 sends both at once. Own section.
 */
const SCAN_AFTER_MS = numberArg('scan-after', 0);
const SCAN_RETRY_MS = 2;
const AGAINST = stringArg('against');
const SLICES = numberArg('slices', 10);
/** `--stores-alternating`: this build on SQLite and on PostgreSQL side by side, in alternating slices. */
const STORES_ALTERNATING = process.argv.includes('--stores-alternating');
const PARTS = ['createQr', 'scan', 'release', 'confirm', 'hubAdded'] as const;
type Part = (typeof PARTS)[number];

/** Per-part times (ms) of one completed flow, and how often its scan came too early. */
type FlowTimes = Record<Part, number> & { retries: number };

class Runner {
  readonly failures = new Map<string, number>();
  confirmations = 0;
  retries = 0;

  constructor(
    private readonly retail: HubClient,
    private readonly wallet: HubClient,
  ) {}

  /** One flow; null (and a counted failure) when any step does not succeed. */
  async flow(): Promise<FlowTimes | null> {
    try {
      const qr = await this.expect(
        'createQr',
        201,
        this.retail.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER),
      );
      const tranId = String(qr.body?.tranId);
      const payment = aPaymentRequest(tranId);
      const paying = this.retail.post('/qr/v1/payments', payment, RETAILER);
      paying.catch(() => undefined);
      let retries = 0;
      let scan: Answer;
      if (SCAN_AFTER_MS > 0) await sleep(SCAN_AFTER_MS);
      for (;;) {
        scan = await this.wallet.post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
        // Declined by design while the hub has not yet stored the payment (docs/protocol.md §6).
        if (scan.status !== 400 || errorType(scan) !== 'UNABLE_TO_LOCATE_RECORD' || retries >= 2000) break;
        retries += 1;
        await sleep(SCAN_RETRY_MS);
      }
      this.retries += retries;
      await this.expect('scan', 202, Promise.resolve(scan));
      const paid = await this.expect('pay', 201, paying);
      const confirm = aPaymentConfirmation(payment.id);
      const confirmed = await this.expect(
        'confirm',
        202,
        this.retail.post('/qr/v1/payments/confirmations', confirm, RETAILER),
      );
      this.confirmations += 1;
      const times = {
        createQr: qr.end - qr.start,
        scan: scan.end - scan.start,
        // The partner answers at once (its own time ≈ 0 ms), so nothing is subtracted. With --scan-after
        // the pay is already held when the scan is sent, so release = pay answer − scan 202 as before.
        release: paid.end - scan.end,
        confirm: confirmed.end - confirmed.start,
      };
      return { ...times, hubAdded: times.createQr + times.scan + times.release + times.confirm, retries };
    } catch (error) {
      const key = (error as Error).message;
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
      return null;
    }
  }

  private async expect(step: string, status: number, answer: Promise<Answer>): Promise<Answer> {
    const a = await answer;
    if (a.status !== status) throw new Error(`${step} ${a.status} ${errorType(a) ?? ''}`.trim());
    return a;
  }
}

/** C virtual users, each running flows back to back until the deadline. */
async function closedLoop(
  runner: Runner,
  vus: number,
  seconds: number,
): Promise<{ flows: FlowTimes[]; perSec: number }> {
  const flows: FlowTimes[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: vus }, async () => {
      while (performance.now() < deadline) {
        const times = await runner.flow();
        if (times) flows.push(times);
      }
    }),
  );
  return { flows, perSec: flows.length / ((performance.now() - start) / 1000) };
}

/** A new flow every 1/rate s on an absolute schedule, whatever the answers' pace. */
async function openLoop(runner: Runner, rate: number, seconds: number): Promise<OpenResult> {
  const flows: FlowTimes[] = [];
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  let late = 0;
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    else if (wait < -5) late += 1;
    pending.push(runner.flow().then((t) => void (t && flows.push(t))));
  }
  await Promise.all(pending);
  return { rate, flows, late };
}

interface OpenResult {
  rate: number;
  flows: FlowTimes[];
  late: number;
}

interface DbResult {
  kind: DbKind;
  closed: { flows: FlowTimes[]; perSec: number };
  open: OpenResult;
  light: OpenResult;
  failures: Map<string, number>;
  confirmations: number;
  delivered: number;
  drainMs: number;
  retries: number;
  cpu: string;
  /** Hub process CPU time (user + system, all its threads) per completed flow in (a). */
  cpuPerFlowMs: number;
}

async function run(kind: DbKind, profileDir: string): Promise<DbResult> {
  const partner = await startPartnerServer();
  const bench = await startBenchHub(
    kind,
    { walletBaseUrl: partner.baseUrl, walletCaFile: partner.caFile, earlyScanGraceMs: GRACE_MS },
    diagnosticsEnv(process.argv, profileDir),
  );
  // One socket per virtual user's held pay plus 64 for the other calls, opened in the warm-up. In (b),
  // beyond capacity, further requests wait in these pools: more sockets only add TLS handshakes to a
  // saturated hub (tried: connect timeouts).
  const retail = new HubClient(bench.origin, VUS + 64);
  const wallet = new HubClient(bench.origin, VUS);
  try {
    const runner = new Runner(retail, wallet);
    await closedLoop(runner, VUS, WARMUP_S);
    runner.failures.clear();
    const retriesBefore = runner.retries;
    const meter = cpuTriple(bench.pid);
    const cpu0 = cpuSeconds(bench.pid);
    const closed = await closedLoop(runner, VUS, DURATION_S);
    const cpuPerFlowMs = ((cpuSeconds(bench.pid) - cpu0) * 1000) / closed.flows.length;
    const open = await openLoop(runner, RATE, DURATION_S);
    const cpu = meter.stop();
    // (c) the same open loop at half the closed-loop capacity: latency of a hub that is not saturated.
    const light = await openLoop(runner, Math.max(1, Math.floor(closed.perSec / 2)), DURATION_S);
    const confirmations = () => partner.received.filter((m) => m.path === '/payments/confirmations').length;
    const t0 = performance.now();
    while (confirmations() < runner.confirmations && performance.now() - t0 < 120_000) await sleep(20);
    const result: DbResult = {
      ...{ kind, closed, open, light, cpu, cpuPerFlowMs },
      failures: runner.failures,
      confirmations: runner.confirmations,
      delivered: confirmations(),
      drainMs: performance.now() - t0,
      retries: runner.retries - retriesBefore,
    };
    const s = summarize(open.flows.map((f) => f.hubAdded));
    process.stdout.write(
      `${kind}: closed ${fmt(closed.perSec)} flows/s, hub CPU ${fmt(cpuPerFlowMs)} ms/flow; open ${open.flows.length} flows, hub-added p50 ${fmt(s.p50)} ` +
        `p99 ${fmt(s.p99)} ms; confirmations ${result.delivered}/${result.confirmations}; ` +
        `failures ${JSON.stringify([...runner.failures])}\n`,
    );
    return result;
  } finally {
    await retail.close();
    await wallet.close();
    await bench.stop();
    await partner.close();
  }
}

/** Goals of the full flow, as ratios measured in one run (docs/benchmarks.md, the table at the top). */
const GOAL_BARE_REQUESTS_PER_FLOW = 8;
const GOAL_POSTGRES_VS_SQLITE = 1.3;

function describe(results: DbResult[], bare: LoadRow): string {
  const cell = (flows: FlowTimes[], part: Part): string => {
    const s = summarize(flows.map((f) => f[part]));
    return `${fmt(s.p50)} / ${fmt(s.p99)}`;
  };
  const each = (f: (r: DbResult) => string): string[] => results.map(f);
  const sqlite = results.find((r) => r.kind === 'sqlite');
  const perFlow = (r: DbResult | undefined): number => (r ? r.cpuPerFlowMs / bare.cpuPerRequestMs : Number.NaN);
  const postgres = results.find((r) => r.kind === 'postgres');
  const pgVsSqlite = postgres && sqlite ? postgres.cpuPerFlowMs / sqlite.cpuPerFlowMs : Number.NaN;
  const goal = (value: number, limit: number): string =>
    Number.isNaN(value) ? 'not measured' : value <= limit ? `**met** (≤ ${limit})` : `**missed** (goal ≤ ${limit})`;
  return [
    `### Full flow: createQrCode → pay ∥ scan → partner → confirm${GRACE_MS ? `, earlyScanGraceMs ${GRACE_MS}` : ''}` +
      (SCAN_AFTER_MS ? `, scan ${SCAN_AFTER_MS} ms after the pay` : ''),
    '',
    `**Hub CPU per full flow on SQLite: ${fmt(perFlow(sqlite), 1)} bare requests** ${goal(perFlow(sqlite), GOAL_BARE_REQUESTS_PER_FLOW)}` +
      (postgres
        ? `; PostgreSQL ${fmt(perFlow(postgres), 1)}, ${fmt(pgVsSqlite, 2)} × SQLite ${goal(pgVsSqlite, GOAL_POSTGRES_VS_SQLITE)}`
        : '') +
      `. One bare request: ${fmt(bare.cpuPerRequestMs, 3)} ms of CPU in the bare NestJS route (bench/bare-app.ts), ` +
      `measured in the same run (${fmt(bare.reqPerSec, 0)} req/s, 32 connections).`,
    '',
    machineLine(),
    '',
    `(a) closed loop, ${VUS} virtual users, ${DURATION_S} s (after ${WARMUP_S} s warm-up); (b) open loop, ` +
      `${RATE} flows/s for ${DURATION_S} s; (c) open loop at half of (a)'s rate for ${DURATION_S} s. ` +
      'Times in ms, p50 / p99; hub-added latency as defined above.',
    '',
    table(
      ['', ...results.map((r) => storeName(r.kind))],
      [
        ['(a) **flows/s**', ...each((r) => `**${fmt(r.closed.perSec)}**`)],
        ['(a) hubAdded', ...each((r) => cell(r.closed.flows, 'hubAdded'))],
        ['(a) **hub CPU per flow, bare requests**', ...each((r) => `**${fmt(perFlow(r), 1)}**`)],
        ['(a) hub CPU per flow, ms (all its threads)', ...each((r) => fmt(r.cpuPerFlowMs))],
        ['(b) flows completed', ...each((r) => `${r.open.flows.length} of ${RATE * DURATION_S}`)],
        ...PARTS.map((p) => [`(b) ${p === 'hubAdded' ? '**hubAdded**' : p}`, ...each((r) => cell(r.open.flows, p))]),
        ['(b) starts > 5 ms late', ...each((r) => `${r.open.late}`)],
        ['(c) rate, flows/s', ...each((r) => `${r.light.rate}`)],
        ...PARTS.map((p) => [`(c) ${p}`, ...each((r) => cell(r.light.flows, p))]),
        ['scan retries (too early, 2 ms apart), (a)–(c)', ...each((r) => `${r.retries}`)],
        ['failed flows', ...each((r) => JSON.stringify(Object.fromEntries(r.failures)))],
        ['confirmations delivered / accepted', ...each((r) => `${r.delivered} / ${r.confirmations}`)],
        ['… all delivered this long after the load, ms', ...each((r) => fmt(r.drainMs, 0))],
        ['CPU during (a)+(b): hub / load generator + partner / machine', ...each((r) => r.cpu)],
      ],
    ),
    '',
    'Flows/s and latencies are context: the goals are the ratios above (the earlier absolute target, ≥ 250 flows/s on SQLite, could not be judged on machines whose speed differs by 3 × from day to day).',
  ].join('\n');
}

function sectionName(): string {
  const parts = ['full-flow', GRACE_MS ? `grace-${GRACE_MS}` : '', SCAN_AFTER_MS ? `scan-after-${SCAN_AFTER_MS}` : ''];
  return parts.filter((p) => p !== '').join('-');
}

/** One build's share of a before/after run: its hub, clients, and what its slices measured. */
interface Side {
  name: string;
  bench: Awaited<ReturnType<typeof startBenchHub>>;
  retail: HubClient;
  wallet: HubClient;
  runner: Runner;
  cpuSeconds: number;
  flows: number;
  retries: number;
  perSlice: number[];
}

/** A hub to load in alternating slices: its store, and another checkout's build if not this one's. */
interface SideSpec {
  name: string;
  kind: DbKind;
  main?: string;
}

/**
 * Two hubs side by side, one partner, loaded in turn (ABBA) in `--slices=`
 * slices of a closed loop; prints each one's hub CPU per flow and the second's
 * over the first's. Whatever else the machine does falls on both alike.
 */
async function alternate(specs: readonly [SideSpec, SideSpec], what: string): Promise<void> {
  const partner = await startPartnerServer();
  const config = { walletBaseUrl: partner.baseUrl, walletCaFile: partner.caFile, earlyScanGraceMs: GRACE_MS };
  const sides: Side[] = [];
  try {
    for (const { name, kind, main } of specs) {
      const bench = await startBenchHub(kind, config, diagnosticsEnv(process.argv, tmpdir()), main);
      const retail = new HubClient(bench.origin, VUS + 64);
      const wallet = new HubClient(bench.origin, VUS);
      const runner = new Runner(retail, wallet);
      sides.push({ name, bench, retail, wallet, runner, cpuSeconds: 0, flows: 0, retries: 0, perSlice: [] });
    }
    for (const side of sides) await closedLoop(side.runner, VUS, WARMUP_S);
    const sliceS = DURATION_S / SLICES;
    for (let i = 0; i < SLICES; i++) {
      // ABBA order: neither hub always goes first after the other's slice.
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const retries = side.runner.retries;
        const cpu0 = cpuSeconds(side.bench.pid);
        const { flows } = await closedLoop(side.runner, VUS, sliceS);
        await sleep(300); // its confirmations' deliveries belong to its slice
        const cpu = cpuSeconds(side.bench.pid) - cpu0;
        side.cpuSeconds += cpu;
        side.flows += flows.length;
        side.retries += side.runner.retries - retries;
        side.perSlice.push((cpu * 1000) / flows.length);
      }
    }
    const [first, second] = sides;
    const perFlow = (s: Side) => (s.cpuSeconds * 1000) / s.flows;
    const lines = sides.map(
      (s) =>
        `${s.name}: hub CPU ${fmt(perFlow(s), 2)} ms/flow over ${s.flows} flows (slices ${s.perSlice.map((v) => fmt(v, 1)).join(', ')}), ` +
        `scan retries ${fmt(s.retries / s.flows, 2)} per flow, failures ${JSON.stringify([...s.runner.failures])}`,
    );
    process.stdout.write(
      `${lines.join('\n')}\n${what}, ${SLICES} alternating slices of ${fmt(sliceS, 1)} s, ${VUS} virtual users: ` +
        `${second.name} / ${first.name} = ${fmt(perFlow(second) / perFlow(first), 3)}\n`,
    );
  } finally {
    for (const s of sides) {
      await s.retail.close();
      await s.wallet.close();
      await s.bench.stop();
    }
    await partner.close();
  }
}

/** `--against`: this build and another checkout's build, on one store. */
function beforeAfter(other: string): Promise<void> {
  const kind = dbKinds()[0];
  return alternate(
    [
      { name: 'before', kind, main: join(other, 'dist', 'src', 'main.js') },
      { name: 'after', kind },
    ],
    storeName(kind),
  );
}

async function main(): Promise<void> {
  await prepareTls();
  if (AGAINST) return beforeAfter(AGAINST);
  if (STORES_ALTERNATING) {
    return alternate(
      [
        { name: 'sqlite', kind: 'sqlite' },
        { name: 'postgres', kind: 'postgres' },
      ],
      'This build on both stores',
    );
  }
  const profileDir = mkdtempSync(join(tmpdir(), 'qr-hub-prof-'));
  // The baseline first, in the same run: every figure below is a ratio to it.
  const bare = await measureBareRoute({ connections: 32, durationS: 10, warmupS: 3 });
  const results: Array<Awaited<ReturnType<typeof run>>> = [];
  for (const kind of dbKinds()) results.push(await run(kind, profileDir));
  const md =
    describe(results, bare) + (process.argv.includes('--profile') ? `\n\nCPU profiles: \`${profileDir}\`.` : '');
  process.stdout.write(`\n${md}\n\nwritten to ${writeSection(sectionName(), md)}\n`);
}

main().catch(fail);

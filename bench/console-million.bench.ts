/**
 * The console's transaction list on a store of a million payments: the
 * admin API (`GET /admin/v1/payments`) and the console page (`GET /console`),
 * no filter, each filter alone, a combination, a page 20 pages deep, and a
 * search by tranId and by upstream id. Each figure is the median and p95 of
 * N sequential requests on one keep-alive connection, printed as a ratio to
 * the bare NestJS route (bench/bare-app.ts) measured the same way in the
 * same run, with the absolute milliseconds as context.
 *
 * The store is seeded with set-based SQL (a recursive CTE on SQLite,
 * generate_series on PostgreSQL): ~200 retailers, 2,000 terminals, five
 * partners, mostly confirmed payments with some declined, unknown, reversed,
 * not scanned and closed; amounts up to R5,000; times spread over 90 days;
 * a QR code for each, and a delivered confirmation in the outbox for every
 * tenth confirmed payment.
 *
 *   npm run build && rm -f dist-bench/dist && npx tsc -p bench/tsconfig.json && npx tsc-alias -p bench/tsconfig.json
 *   node dist-bench/bench/console-million.bench.js [--db=sqlite|postgres] [--rows=1000000] [--requests=50] [--dry]
 *   (or: bash bench/run.sh console-million --db=sqlite)
 *
 * Only the default --rows=1000000 writes its section of docs/benchmarks.md
 * (one per store); smaller runs only print. To time another page (e.g. a
 * report), add a line to `targets()` below: a name and a path, with the
 * seeded facts (`Seeded`) at hand to build it.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { Pool } from 'undici';
import { OPERATOR, RETAILER } from '../test/factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../test/factories/messages.factory';
import { POSTGRES_URL } from '../test/utils/test-database';
import { testTls } from '../test/utils/test-tls';
import { dbKinds, fail, numberArg, storeName } from './lib/args';
import { DbKind, prepareTls, startBenchHub } from './lib/harness';
import { startBareApp } from './lib/bare-route';
import { machineLine } from './lib/machine';
import { writeSection } from './lib/report';
import { fmt, percentile, table } from './lib/stats';

const ROWS = numberArg('rows', 1_000_000);
const REQUESTS = numberArg('requests', 50);
const WARM_UP = 5;
const DAY = 86_400_000;
/** Payments are spread over the 90 days before the run. */
const SPAN_MS = 90 * DAY;
const PARTNERS = ['sandbox', 'wallet-a', 'wallet-b', 'wallet-c', 'wallet-d'];

/** What the seed wrote that a target may name. */
interface Seeded {
  rows: number;
  /** When the oldest payment was made (the newest is `start + SPAN_MS`). */
  start: number;
  /** A payment halfway through the store: its tranId and upstream id. */
  tranId: string;
  upstreamId: string;
}

/** One URL to time. */
interface Target {
  name: string;
  path: string;
}

/** Latency of one target: median and p95 (ms) of sequential requests. */
interface Timing {
  name: string;
  p50: number;
  p95: number;
  status: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** `2026-12-04T18:00` in UTC: the console's `datetime-local` fields (its zone is UTC in the bench config). */
const local = (ms: number): string => iso(ms).slice(0, 16);

/**
 * The URLs timed, API and console side by side. The deep page's cursor is
 * found by following `next` 20 times before timing (`deep`).
 */
function targets(s: Seeded, deep: { api: string; console: string }): Target[] {
  const day = { from: s.start + 30 * DAY, to: s.start + 31 * DAY };
  const api: Array<[string, string]> = [
    ['no filter, first page', ''],
    ['phase CONFIRMED', 'phase=CONFIRMED'],
    ['phase DECLINED', 'phase=DECLINED'],
    ['phase UNKNOWN', 'phase=UNKNOWN'],
    ['partner', 'partner=wallet-b'],
    ['retailer', 'retailer=shop-17'],
    ['terminal', 'terminal=T123'],
    ['currency', 'currency=ZAR'],
    ['amount range', 'minAmount=100000&maxAmount=200000'],
    ['one day', `from=${iso(day.from)}&to=${iso(day.to)}`],
    ['combination', `phase=CONFIRMED&partner=wallet-b&minAmount=10000&from=${iso(day.from)}`],
    ['20 pages deep', `cursor=${deep.api}`],
    ['search by tranId', `q=${s.tranId}`],
    ['search by upstream id', `q=${s.upstreamId}`],
  ];
  const page: Array<[string, string]> = [
    ['no filter, first page', ''],
    ['phase CONFIRMED', 'phase=CONFIRMED'],
    ['partner', 'partner=wallet-b'],
    ['retailer', 'retailer=shop-17'],
    ['terminal', 'terminal=T123'],
    ['amount range', 'currency=ZAR&amountFrom=1000&amountTo=2000'],
    ['one day', `from=${local(day.from)}&to=${local(day.to)}`],
    ['combination', `phase=CONFIRMED&partner=wallet-b&amountFrom=100&from=${local(day.from)}`],
    ['20 pages deep', `cursor=${deep.console}`],
    // A search alone redirects to the timeline (303); with a filter it lists the transaction.
    ['search by tranId (list)', `q=${s.tranId}&phase=CONFIRMED`],
    ['timeline of a transaction', `/console/transactions/${s.tranId}`],
  ];
  // The reports: one business day in the middle of the range (the console's zone is UTC here), and the last 24 h.
  const settlementDay = iso(day.from).slice(0, 10);
  const reports: Target[] = [
    { name: 'API settlement report, one day', path: `/admin/v1/settlement?day=${settlementDay}` },
    { name: 'console settlement page, one day', path: `/console/settlement?day=${settlementDay}` },
    { name: 'API dashboard, last 24 h', path: '/admin/v1/dashboard?window=day' },
    { name: 'console dashboard, last 24 h', path: '/console/dashboard?window=day&live=0' },
  ];
  return [
    ...reports,
    ...api.map(([name, query]) => ({ name: `API ${name}`, path: `/admin/v1/payments?${query}` })),
    ...page.map(([name, query]) => ({
      name: `console ${name}`,
      path: query.startsWith('/') ? query : `/console?${query}`,
    })),
  ];
}

/** A QR code for every payment (what a search by tranId finds first), made from the payments. */
const qrCodesSql = (no: string, yes: string): string =>
  `INSERT INTO qr_codes (tran_id, request_id, client_id, terminal_id, amount, currency, over_payment_allowed,
     part_payment_allowed, single_use, scheme, qr_code, expires_at, paid_by_payment_id, created_at)
   SELECT tran_id, '2' || substr(id, 2), client_id, terminal_id, amount, currency, ${no}, ${no}, ${yes}, 'electrum',
     '00020126500010za.co.elec0132' || tran_id, created_at + 300000,
     CASE WHEN state = 'APPROVED' THEN id END, created_at - 1000
   FROM payments WHERE instance_id = 'bench'`;

/** SQLite: one statement per table, a recursive CTE counting the rows. */
function seedSqlite(file: string, s: Seeded): void {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('busy_timeout = 30000');
    db.exec('BEGIN');
    db.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ?),
       g AS (SELECT n, (n * 2654435761) % 1000 AS r, (n * 40503) % 100 AS k FROM seq)
       INSERT INTO payments (id, tran_id, client_id, terminal_id, partner_id, upstream_id, state, settlement,
         reversal_requested, amount, currency, approved_amount, instance_id, request, error, unknown_reason,
         scanned_at, answered_at, approved_at, settled_at, partner_ms, created_at, updated_at)
       SELECT printf('00000000-0000-4000-8000-%012d', n), printf('%032x', n), 'shop-' || ((n * 7) % 200),
         'T' || ((n * 13) % 2000), ${sqlCase(PARTNERS, 'n % 5')},
         CASE WHEN k < 95 THEN printf('10000000-0000-4000-8000-%012d', n) END,
         CASE WHEN k < 75 THEN 'APPROVED' WHEN k < 87 THEN 'DECLINED' WHEN k < 91 THEN 'UNKNOWN'
              WHEN k < 95 THEN 'APPROVED' WHEN k < 98 THEN 'NO_SCAN' ELSE 'CLOSED' END,
         CASE WHEN k < 70 THEN 'CONFIRMED' WHEN k < 75 THEN 'REVERSED' ELSE 'NONE' END,
         0, 100 + r * 500, '710', CASE WHEN k < 75 OR (k >= 91 AND k < 95) THEN 100 + r * 500 END, 'bench', '{}',
         CASE WHEN k >= 75 AND k < 87 THEN '{"errorType":"DECLINED_BY_PARTNER"}' END,
         CASE WHEN k >= 87 AND k < 91 THEN 'PARTNER_TIMEOUT' END,
         t, t + 5, t + 5, t + 900, 40 + r % 200, t, t + 900
       FROM (SELECT g.*, CAST(? + n * ? AS INTEGER) AS t FROM g)`,
    ).run(s.rows - 1, s.start, SPAN_MS / s.rows);
    db.prepare(
      `INSERT INTO outbox (id, payment_id, partner_id, kind, body, status, attempts, next_attempt_at,
         created_at, updated_at, delivered_at)
       SELECT 'o' || substr(id, 2), id, partner_id, 'CONFIRMATION', '{}', 'DELIVERED', 1, created_at + 900,
         created_at + 900, created_at + 950, created_at + 950
       FROM payments WHERE settlement = 'CONFIRMED' AND instance_id = 'bench' AND created_at % 10 = 0`,
    ).run();
    db.prepare(qrCodesSql('0', '1')).run();
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

/** PostgreSQL: the same rows from generate_series, then ANALYZE as autovacuum would after a bulk load. */
async function seedPostgres(schema: string, s: Seeded): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    await client.query('BEGIN');
    await client.query(
      `WITH g AS (SELECT n, (n * 2654435761) % 1000 AS r, (n * 40503) % 100 AS k,
                         ($2::bigint + floor(n * $3::float8))::bigint AS t
                  FROM generate_series(0, $1::bigint - 1) AS n)
       INSERT INTO payments (id, tran_id, client_id, terminal_id, partner_id, upstream_id, state, settlement,
         reversal_requested, amount, currency, approved_amount, instance_id, request, error, unknown_reason,
         scanned_at, answered_at, approved_at, settled_at, partner_ms, created_at, updated_at)
       SELECT '00000000-0000-4000-8000-' || lpad(n::text, 12, '0'), lpad(to_hex(n), 32, '0'),
         'shop-' || ((n * 7) % 200), 'T' || ((n * 13) % 2000), ${sqlCase(PARTNERS, 'n % 5')},
         CASE WHEN k < 95 THEN '10000000-0000-4000-8000-' || lpad(n::text, 12, '0') END,
         CASE WHEN k < 75 THEN 'APPROVED' WHEN k < 87 THEN 'DECLINED' WHEN k < 91 THEN 'UNKNOWN'
              WHEN k < 95 THEN 'APPROVED' WHEN k < 98 THEN 'NO_SCAN' ELSE 'CLOSED' END,
         CASE WHEN k < 70 THEN 'CONFIRMED' WHEN k < 75 THEN 'REVERSED' ELSE 'NONE' END,
         false, 100 + r * 500, '710', CASE WHEN k < 75 OR (k >= 91 AND k < 95) THEN 100 + r * 500 END, 'bench',
         '{}', CASE WHEN k >= 75 AND k < 87 THEN '{"errorType":"DECLINED_BY_PARTNER"}' END,
         CASE WHEN k >= 87 AND k < 91 THEN 'PARTNER_TIMEOUT' END,
         t, t + 5, t + 5, t + 900, 40 + r % 200, t, t + 900
       FROM g`,
      [s.rows, s.start, SPAN_MS / s.rows],
    );
    await client.query(
      `INSERT INTO outbox (id, payment_id, partner_id, kind, body, status, attempts, next_attempt_at,
         created_at, updated_at, delivered_at)
       SELECT 'o' || substr(id, 2), id, partner_id, 'CONFIRMATION', '{}', 'DELIVERED', 1, created_at + 900,
         created_at + 900, created_at + 950, created_at + 950
       FROM payments WHERE settlement = 'CONFIRMED' AND instance_id = 'bench' AND created_at % 10 = 0`,
    );
    await client.query(qrCodesSql('false', 'true'));
    await client.query('COMMIT');
    await client.query('ANALYZE payments');
    await client.query('ANALYZE qr_codes');
    await client.query('ANALYZE outbox');
  } finally {
    await client.end();
  }
}

/** `CASE <expr> WHEN 0 THEN 'a' … END` choosing one of `values`. */
function sqlCase(values: readonly string[], expr: string): string {
  return `CASE ${expr} ${values.map((v, i) => `WHEN ${i} THEN '${v}'`).join(' ')} END`;
}

/** Sequential requests on one keep-alive connection: warm-up, then REQUESTS timed. */
class Timer {
  private readonly pool: Pool;

  constructor(
    origin: string,
    private readonly authorization: string,
  ) {
    this.pool = new Pool(origin, { connections: 1, pipelining: 1, connect: { ca: testTls().cert } });
  }

  async once(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
  ): Promise<{ status: number; ms: number; text: string }> {
    const headers: Record<string, string> = { authorization: this.authorization };
    if (body) headers['content-type'] = 'application/json';
    const start = performance.now();
    const res = await this.pool.request({ method, path, headers, body });
    const text = await res.body.text();
    return { status: res.statusCode, ms: performance.now() - start, text };
  }

  async time(name: string, method: 'GET' | 'POST', path: string, body?: () => string): Promise<Timing> {
    const statuses = new Map<number, number>();
    const ms: number[] = [];
    for (let i = 0; i < WARM_UP + REQUESTS; i++) {
      const answer = await this.once(method, path, body?.());
      if (i < WARM_UP) continue;
      ms.push(answer.ms);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    const sorted = ms.sort((a, b) => a - b);
    const status = [...statuses].map(([code, n]) => `${n}×${code}`).join(' ');
    return { name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), status };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const basic = (who: { id: string; password: string }): string =>
  `Basic ${Buffer.from(`${who.id}:${who.password}`).toString('base64')}`;

/** The bare NestJS route (createQrCode's pipeline without storage or QR work), timed like the targets. */
async function bareBaseline(): Promise<Timing> {
  const bare = await startBareApp();
  const timer = new Timer(bare.origin, basic(RETAILER));
  try {
    return await timer.time('bare NestJS route', 'POST', '/qr/v1/qrCodes', () =>
      JSON.stringify(aCreateQrCodeRequest()),
    );
  } finally {
    await timer.close();
    bare.stop();
  }
}

/** Follows `next` (API) or the Older link (console) `pages` times; the cursor of the page after. */
async function deepCursors(timer: Timer, pages: number): Promise<{ api: string; console: string }> {
  let api = '';
  let page = '';
  for (let i = 0; i < pages; i++) {
    const res = await timer.once('GET', `/admin/v1/payments${api ? `?cursor=${api}` : ''}`);
    const next = (JSON.parse(res.text) as { next: string | null }).next;
    if (!next) throw new Error(`the list ended after ${i + 1} pages`);
    api = next;
    const html = await timer.once('GET', `/console${page ? `?cursor=${page}` : ''}`);
    const link = /href="\/console\?cursor=([A-Za-z0-9_-]+)"\s+rel="next"/.exec(html.text)?.[1];
    if (!link) throw new Error(`no Older link on console page ${i + 1}`);
    page = link;
  }
  return { api, console: page };
}

async function run(kind: DbKind, baseline: Timing): Promise<string> {
  const bench = await startBenchHub(kind, { console: { timeZone: 'UTC' } });
  const timer = new Timer(bench.origin, basic(OPERATOR));
  try {
    const start = Date.now() - SPAN_MS;
    const half = Math.floor(ROWS / 2);
    const seeded: Seeded = {
      rows: ROWS,
      start,
      tranId: half.toString(16).padStart(32, '0'),
      upstreamId: `10000000-0000-4000-8000-${String(half).padStart(12, '0')}`,
    };
    const seedStart = performance.now();
    if (kind === 'sqlite') seedSqlite(bench.db.url.replace(/^sqlite:/, ''), seeded);
    else await seedPostgres(new URL(bench.db.url).searchParams.get('schema') ?? '', seeded);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stdout.write(`${storeName(kind)}: seeded ${ROWS} payments in ${fmt(seedSeconds)} s\n`);
    // The search must find a payment (its upstream id exists for 95 of 100 payments; pick one that has).
    const probe = JSON.parse((await timer.once('GET', `/admin/v1/payments?q=${seeded.upstreamId}`)).text) as {
      items: unknown[];
    };
    if (probe.items.length !== 1) {
      seeded.upstreamId = `10000000-0000-4000-8000-${String(half + 1).padStart(12, '0')}`;
    }
    const deep = await deepCursors(timer, 20);
    const rows: string[][] = [];
    for (const target of targets(seeded, deep)) {
      const t = await timer.time(target.name, 'GET', target.path);
      rows.push([t.name, fmt(t.p50 / baseline.p50), fmt(t.p95 / baseline.p95), fmt(t.p50), fmt(t.p95), t.status]);
      process.stdout.write(`  ${t.name}: p50 ${fmt(t.p50)} ms, p95 ${fmt(t.p95)} ms (${t.status})\n`);
    }
    return [
      `### ${storeName(kind)}, ${ROWS.toLocaleString('en')} payments (seeded in ${fmt(seedSeconds)} s)`,
      '',
      table(['request', 'p50 vs bare', 'p95 vs bare', 'p50 ms', 'p95 ms', 'answers'], rows),
    ].join('\n');
  } finally {
    await timer.close();
    await bench.stop();
  }
}

async function main(): Promise<void> {
  await prepareTls();
  const baseline = await bareBaseline();
  process.stdout.write(`bare NestJS route: p50 ${fmt(baseline.p50)} ms, p95 ${fmt(baseline.p95)} ms\n`);
  for (const kind of dbKinds()) {
    const section = await run(kind, baseline);
    const markdown = [
      `## The console on ${storeName(kind)}, ${ROWS.toLocaleString('en')} payments`,
      '',
      machineLine(),
      '',
      `${REQUESTS} sequential requests per line after ${WARM_UP} warm-up, one keep-alive connection. ` +
        `Baseline: the bare NestJS route (bench/bare-app.ts) in the same run, p50 ${fmt(baseline.p50)} ms, ` +
        `p95 ${fmt(baseline.p95)} ms; "vs bare" is the request's time divided by the baseline's.`,
      '',
      section,
    ].join('\n');
    process.stdout.write(`\n${markdown}\n`);
    if (ROWS === 1_000_000) process.stdout.write(`written to ${writeSection(`console-million-${kind}`, markdown)}\n`);
  }
}

main().catch(fail);

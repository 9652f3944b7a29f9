import type { Response } from 'superagent';
import type { SettlementReport, SettlementRow } from '@app/admin/settlement/settlement-views';
import { Payment } from '@app/lifecycle/payment.entity';
import { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import { Database, managerOf } from '@app/persistence/database';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OPERATOR, OTHER_RETAILER, RETAILER, SANDBOX, VIEWER } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeClock } from '../utils/fake-clock';
import type { Credentials } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { getAs } from '../utils/operator-flows';
import { SettlementFlows, USD } from '../utils/settlement-flows';

/**
 * The settlement report (docs/console/settlement.md) on the store the run
 * uses (SQLite, or PostgreSQL with TEST_DATABASE=postgres): real payments
 * through the sandbox partner at times set on the hub's fake clock, around an
 * 18:00 cut-off in Africa/Johannesburg (UTC+02:00, no daylight saving). Every
 * figure is checked against sums the test makes itself from the stored rows.
 *
 * Business day 2026-12-03 is [2026-12-02 18:00, 2026-12-03 18:00) local time,
 * 2026-12-04 the 24 hours after it.
 */

const ZONE = 'Africa/Johannesburg';
/** Local wall time in Johannesburg as an instant (UTC+02:00 all year). */
const sast = (local: string): number => Date.parse(`${local}+02:00`);

/** The days the test looks at, with their intervals written out by hand (not computed by the hub's code). */
const DAYS: Record<string, { from: string; to: string }> = {
  '2026-12-02': { from: '2026-12-01T16:00:00.000Z', to: '2026-12-02T16:00:00.000Z' },
  '2026-12-03': { from: '2026-12-02T16:00:00.000Z', to: '2026-12-03T16:00:00.000Z' },
  '2026-12-04': { from: '2026-12-03T16:00:00.000Z', to: '2026-12-04T16:00:00.000Z' },
  '2026-12-05': { from: '2026-12-04T16:00:00.000Z', to: '2026-12-05T16:00:00.000Z' },
};

type Figures = Pick<
  SettlementRow,
  'approved' | 'confirmed' | 'reversed' | 'timeoutReversals' | 'advicesPending' | 'advicesParked'
>;
type Counted = { count: number; amount: number };

describe('settlement report on both stores (docs/console/settlement.md)', () => {
  const clock = new FakeClock(sast('2026-12-02T19:00:00'));
  let hub: TestApp;
  let store: HubStore;
  const ids: Record<string, string> = {};

  const at = (local: string) => clock.jump(sast(local) - clock.now());

  beforeAll(async () => {
    hub = await createTestApp({
      clock,
      console: { timeZone: ZONE, businessDayCutoff: '18:00' },
      partnerTimeoutMs: 1000,
      // A failed delivery waits an hour: the test's clock never gets there, so a retried advice stays pending.
      initialDelayMs: 3_600_000,
      maxDelayMs: 3_600_000,
    });
    store = new HubStore(hub);
    const flows = new SettlementFlows(hub);

    // Business day 2026-12-03 — 19:00 on the 2nd is after that day's 18:00 cut-off.
    ids.evening = await flows.approvedSale(10_000);
    await flows.advise('confirmations', ids.evening);
    at('2026-12-03T10:00:00');
    ids.other = await flows.approvedSale(2_540, OTHER_RETAILER);
    await flows.advise('confirmations', ids.other, OTHER_RETAILER);
    at('2026-12-03T10:30:00');
    ids.dollars = await flows.approvedSale(1_000, RETAILER, USD);
    await flows.advise('confirmations', ids.dollars);
    at('2026-12-03T11:00:00');
    const declined = await flows.startSale(5_051); // cents 51: declined, INSUFFICIENT_FUNDS
    expectErrorDetail(await declined.answer, 400, 'INSUFFICIENT_FUNDS');
    ids.declined = declined.id;
    at('2026-12-03T12:00:00');
    ids.reversedNextDay = await flows.approvedSale(3_000);
    at('2026-12-03T13:00:00');
    const hanging = await flows.startSale(4_091); // cents 91: the partner never answers
    await store.untilPaymentState(hanging.id, 'SENDING');
    clock.advance(1000);
    await hanging.answer;
    ids.timeout = hanging.id;
    await store.untilOutbox(ids.timeout, 'REVERSAL', 'DELIVERED');
    at('2026-12-03T14:00:00');
    ids.parked = await flows.approvedSale(1_098); // cents 98: the partner refuses advices
    await flows.advise('confirmations', ids.parked);
    await store.untilOutbox(ids.parked, 'CONFIRMATION', 'PARKED');
    at('2026-12-03T17:59:59');
    ids.straddling = await flows.approvedSale(1_234);
    // Business day 2026-12-04.
    clock.jump(2000); // 18:00:01
    await flows.advise('confirmations', ids.straddling);
    at('2026-12-04T09:00:00');
    await flows.advise('reversals', ids.reversedNextDay);
    await store.untilOutbox(ids.reversedNextDay, 'REVERSAL', 'DELIVERED');
    at('2026-12-04T10:00:00');
    ids.nextDay = await flows.approvedSale(700, OTHER_RETAILER);
    await flows.advise('confirmations', ids.nextDay, OTHER_RETAILER);
    at('2026-12-04T11:00:00');
    ids.pending = await flows.approvedSale(1_997); // cents 97: the first delivery answers 500, retried in an hour
    await flows.advise('confirmations', ids.pending);
    await store.untilOutbox(ids.pending, 'CONFIRMATION', 'PENDING');
    await waitForAttempt(ids.pending);
  });
  afterAll(() => hub?.close());

  /** Waits until the outbox entry of the payment has had its first (failed) delivery attempt. */
  async function waitForAttempt(paymentId: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const [entry] = await store.outbox(paymentId, 'CONFIRMATION');
      if (entry && entry.attempts > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no delivery attempt for ${paymentId}`);
  }

  const report = async (day: string, who: Credentials = OPERATOR): Promise<SettlementReport> =>
    (await getAs(hub, `/admin/v1/settlement?day=${day}`, who).expect(200)).body as SettlementReport;

  const stored = (): Promise<{ payments: Payment[]; outbox: OutboxEntry[] }> =>
    hub.app.get(Database).run(async (tx) => ({
      payments: await managerOf(tx).find(Payment),
      outbox: await managerOf(tx).find(OutboxEntry),
    }));

  /**
   * The figures of one business day as the test computes them from the stored
   * rows, grouped by `groupOf` and currency.
   */
  function expected(
    rows: { payments: Payment[]; outbox: OutboxEntry[] },
    day: string,
    groupOf: (p: Payment) => string,
  ): Map<string, Figures> {
    const from = Date.parse(DAYS[day].from);
    const to = Date.parse(DAYS[day].to);
    const inDay = (ms: number | null) => ms !== null && ms >= from && ms < to;
    const out = new Map<
      string,
      { [K in keyof Figures]: K extends 'advicesPending' | 'advicesParked' ? number : Counted }
    >();
    const of = (p: Payment) => {
      const key = `${groupOf(p)} ${p.currency}`;
      let f = out.get(key);
      if (!f) {
        const zero = () => ({ count: 0, amount: 0 });
        f = {
          approved: zero(),
          confirmed: zero(),
          reversed: zero(),
          timeoutReversals: zero(),
          advicesPending: 0,
          advicesParked: 0,
        };
        out.set(key, f);
      }
      return f;
    };
    const add = (c: Counted, amount: number) => {
      c.count += 1;
      c.amount += amount;
    };
    for (const p of rows.payments) {
      const approved = p.approvedAmount ?? p.amount;
      if (inDay(p.approvedAt)) add(of(p).approved, approved);
      if (!inDay(p.settledAt)) continue;
      if (p.state === 'APPROVED' && p.settlement === 'CONFIRMED') add(of(p).confirmed, approved);
      if (p.state === 'APPROVED' && p.settlement === 'REVERSED') add(of(p).reversed, approved);
      if (p.state === 'UNKNOWN') add(of(p).timeoutReversals, p.amount);
      for (const o of rows.outbox.filter((e) => e.paymentId === p.id)) {
        if (o.status === 'PENDING') of(p).advicesPending += 1;
        if (o.status === 'PARKED') of(p).advicesParked += 1;
      }
    }
    return out as Map<string, Figures>;
  }

  /** The report's rows as `group currency` → figures without the decimal text (checked separately). */
  const figuresOf = (rows: SettlementRow[]): Map<string, Figures> =>
    new Map(
      rows.map((r) => [
        `${r.group} ${r.currency}`,
        {
          approved: { count: r.approved.count, amount: r.approved.amount },
          confirmed: { count: r.confirmed.count, amount: r.confirmed.amount },
          reversed: { count: r.reversed.count, amount: r.reversed.amount },
          timeoutReversals: { count: r.timeoutReversals.count, amount: r.timeoutReversals.amount },
          advicesPending: r.advicesPending,
          advicesParked: r.advicesParked,
        } as Figures,
      ]),
    );

  it('the sales landed where the test put them', async () => {
    const { payments } = await stored();
    const byId = new Map(payments.map((p) => [p.id, p]));
    expect(byId.get(ids.declined)?.state).toBe('DECLINED');
    expect(byId.get(ids.timeout)).toMatchObject({ state: 'UNKNOWN', unknownReason: 'PARTNER_TIMEOUT' });
    expect(byId.get(ids.straddling)).toMatchObject({
      approvedAt: sast('2026-12-03T17:59:59'),
      settledAt: sast('2026-12-03T18:00:01'),
    });
    expect(byId.get(ids.reversedNextDay)).toMatchObject({
      settlement: 'REVERSED',
      settledAt: sast('2026-12-04T09:00:00'),
    });
  });

  it.each(Object.keys(DAYS))('%s: each total is the sum over the payments it covers', async (day) => {
    const [r, rows] = await Promise.all([report(day), stored()]);
    expect({ day: r.day, from: r.from, to: r.to, timeZone: r.timeZone, cutoff: r.cutoff }).toEqual({
      day,
      ...DAYS[day],
      timeZone: ZONE,
      cutoff: '18:00',
    });
    expect(figuresOf(r.partners)).toEqual(expected(rows, day, (p) => p.partnerId ?? 'none'));
    expect(figuresOf(r.retailers)).toEqual(expected(rows, day, (p) => p.clientId));
    expect(figuresOf(r.total)).toEqual(expected(rows, day, () => 'all'));
  });

  it('each figure is as the sales were planned (2026-12-03 and 2026-12-04)', async () => {
    const first = await report('2026-12-03');
    const zarTotal = first.total.find((t) => t.currencyCode === 'ZAR');
    const usdTotal = first.total.find((t) => t.currencyCode === 'USD');
    // 19:00 on the 2nd, the other retailer, the one reversed next day, the parked one, the straddling one.
    expect(zarTotal?.approved).toEqual({ count: 5, amount: 10_000 + 2_540 + 3_000 + 1_098 + 1_234, value: '178.72' });
    expect(zarTotal?.confirmed).toEqual({ count: 3, amount: 10_000 + 2_540 + 1_098, value: '136.38' });
    expect(zarTotal?.reversed).toEqual({ count: 0, amount: 0, value: '0.00' });
    expect(zarTotal?.timeoutReversals).toEqual({ count: 1, amount: 4_091, value: '40.91' });
    expect([zarTotal?.advicesPending, zarTotal?.advicesParked]).toEqual([0, 1]);
    expect(usdTotal).toMatchObject({ approved: { count: 1, amount: 1_000, value: '10.00' }, confirmed: { count: 1 } });
    expect(first.retailers.map((r) => `${r.group} ${r.currencyCode}`)).toEqual([
      `${RETAILER.id} USD`,
      `${RETAILER.id} ZAR`,
      `${OTHER_RETAILER.id} ZAR`,
    ]);
    expect(first.partners.map((r) => [r.group, r.name, r.currencyCode])).toEqual([
      ['sandbox', 'Sandbox Wallet', 'USD'],
      ['sandbox', 'Sandbox Wallet', 'ZAR'],
    ]);

    const second = await report('2026-12-04');
    expect(second.total).toHaveLength(1);
    const [next] = second.total;
    expect(next.approved).toEqual({ count: 2, amount: 700 + 1_997, value: '26.97' });
    // The straddling sale, the next-day one and the pending one.
    expect(next.confirmed).toEqual({ count: 3, amount: 1_234 + 700 + 1_997, value: '39.31' });
    expect(next.reversed).toEqual({ count: 1, amount: 3_000, value: '30.00' });
    expect(next.timeoutReversals.count).toBe(0);
    expect([next.advicesPending, next.advicesParked]).toEqual([1, 0]);
    // The declined sale appears nowhere.
    const none = await report('2026-12-02');
    expect([none.partners, none.retailers, none.total]).toEqual([[], [], []]);
  });

  it('across days each approval is counted exactly once, each settlement once', async () => {
    const { payments } = await stored();
    const reports = await Promise.all(Object.keys(DAYS).map((d) => report(d)));
    const sum = (pick: (r: SettlementRow) => number) =>
      reports.flatMap((r) => r.total).reduce((n, row) => n + pick(row), 0);
    expect(sum((r) => r.approved.count)).toBe(payments.filter((p) => p.approvedAt !== null).length);
    expect(sum((r) => r.approved.amount)).toBe(
      payments.filter((p) => p.approvedAt !== null).reduce((n, p) => n + (p.approvedAmount ?? p.amount), 0),
    );
    expect(sum((r) => r.confirmed.count + r.reversed.count + r.timeoutReversals.count)).toBe(
      payments.filter((p) => p.settledAt !== null).length,
    );
  });

  it('the straddling sale is approved on 2026-12-03 and confirmed on 2026-12-04; the reversal is on 2026-12-04', async () => {
    const [first, second] = [await report('2026-12-03'), await report('2026-12-04')];
    const zar = (r: SettlementReport) => r.total.find((t) => t.currencyCode === 'ZAR');
    // Moved one second either way, the straddling sale would be counted 4 + 3 (both on the 3rd) or 4 + 2 (both on the 4th).
    expect([zar(first)?.approved.count, zar(first)?.confirmed.count]).toEqual([5, 3]);
    expect([zar(second)?.approved.count, zar(second)?.confirmed.count]).toEqual([2, 3]);
    // Approved on the 3rd (in its approvals), reversed on the 4th (in its reversals) at its approved amount.
    expect(zar(first)?.reversed.count).toBe(0);
    expect(zar(second)?.reversed).toEqual({ count: 1, amount: 3_000, value: '30.00' });
  });

  it('with no day (or an empty one) it reports the current business day (11:00 on the 4th: the 4th)', async () => {
    expect(clock.now()).toBe(sast('2026-12-04T11:00:00'));
    for (const path of ['/admin/v1/settlement', '/admin/v1/settlement?day=']) {
      const r = (await getAs(hub, path, OPERATOR).expect(200)).body as SettlementReport;
      expect(r.day).toBe('2026-12-04');
      expect([r.previousDay, r.nextDay]).toEqual(['2026-12-03', '2026-12-05']);
    }
  });

  it('the CSV has the JSON report row for row (API and console alike)', async () => {
    const day = '2026-12-03';
    const r = await report(day);
    for (const path of [`/admin/v1/settlement.csv?day=${day}`, `/console/settlement.csv?day=${day}`]) {
      const res = await getAs(hub, path, OPERATOR).buffer(true).parse(textParser).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="settlement-${day}.csv"`);
      const text = res.body as string;
      expect(text.endsWith('\r\n')).toBe(true);
      const lines = text
        .slice(0, -2)
        .split('\r\n')
        .map((l) => l.split(','));
      const [header, ...rows] = lines;
      expect(header).toEqual([
        'business_day',
        'from',
        'to',
        'time_zone',
        'grouping',
        'group',
        'name',
        'currency',
        'currency_numeric',
        'approved_count',
        'approved_amount',
        'approved_minor',
        'confirmed_count',
        'confirmed_amount',
        'confirmed_minor',
        'reversed_count',
        'reversed_amount',
        'reversed_minor',
        'timeout_reversals_count',
        'timeout_reversals_amount',
        'timeout_reversals_minor',
        'advices_pending',
        'advices_parked',
      ]);
      const fromJson = [...r.partners, ...r.retailers, ...r.total].map((row) => [
        day,
        r.from,
        r.to,
        ZONE,
        row.grouping,
        row.group,
        row.name ?? '',
        row.currencyCode,
        row.currency,
        ...[row.approved, row.confirmed, row.reversed, row.timeoutReversals].flatMap((t) => [
          String(t.count),
          t.value,
          String(t.amount),
        ]),
        String(row.advicesPending),
        String(row.advicesParked),
      ]);
      expect(rows).toEqual(fromJson);
      expect(rows.map((row) => row[4])).toEqual([
        'partner',
        'partner',
        'retailer',
        'retailer',
        'retailer',
        'total',
        'total',
      ]);
    }
  });

  it('the API document describes both routes (operator tag, Basic auth, the day parameter); the page is not in it', async () => {
    const doc = (await hub.raw().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    for (const [path, operationId] of [
      ['/admin/v1/settlement', 'settlementReport'],
      ['/admin/v1/settlement.csv', 'settlementReportCsv'],
    ]) {
      const op = doc.paths[path]?.get;
      expect(op).toMatchObject({ operationId, tags: ['operator'], security: [{ httpBasic: [] }] });
      expect(op?.parameters).toEqual([
        expect.objectContaining({
          name: 'day',
          in: 'query',
          required: false,
          description: expect.stringContaining('YYYY-MM-DD'),
          schema: expect.objectContaining({ type: 'string' }),
        }),
      ]);
    }
    expect(doc.components.securitySchemes.httpBasic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console/settlement'))).toEqual([]);
  });

  describe('bad days and who may look', () => {
    it.each(['2026-02-30', '2026-12-4', 'yesterday', '2026-12-04T00:00', '1969-12-31'])(
      'day=%p → 400 FORMAT_ERROR on the API and its CSV',
      async (day) => {
        const q = encodeURIComponent(day);
        const json = expectErrorDetail(await getAs(hub, `/admin/v1/settlement?day=${q}`), 400, 'FORMAT_ERROR');
        expect(json.errorMessage).toMatch(/day must be a calendar date YYYY-MM-DD/);
        expectErrorDetail(await getAs(hub, `/admin/v1/settlement.csv?day=${q}`), 400, 'FORMAT_ERROR');
        expectErrorDetail(await getAs(hub, `/console/settlement.csv?day=${q}`), 400, 'FORMAT_ERROR');
      },
    );

    it('a repeated day parameter → 400 FORMAT_ERROR', async () => {
      expectErrorDetail(await getAs(hub, '/admin/v1/settlement?day=2026-12-03&day=2026-12-04'), 400, 'FORMAT_ERROR');
    });

    it('the page shows a bad day as its problem, answered 400', async () => {
      const res = await getAs(hub, '/console/settlement?day=2026-13-01').expect(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('id="settlement-problem"');
      expect(res.text).toContain('day must be a calendar date YYYY-MM-DD');
      expect(res.text).toContain('href="/console/settlement?day=2026-12-04"');
    });

    it('a viewer may read the report, its CSV and the page', async () => {
      expect((await report('2026-12-03', VIEWER)).total).toHaveLength(2);
      await getAs(hub, '/admin/v1/settlement.csv?day=2026-12-03', VIEWER).expect(200);
      await getAs(hub, '/console/settlement.csv?day=2026-12-03', VIEWER).expect(200);
      const page = await getAs(hub, '/console/settlement?day=2026-12-03', VIEWER).expect(200);
      expect(page.text).toContain('read-only');
    });

    it.each(['/admin/v1/settlement', '/admin/v1/settlement.csv', '/console/settlement', '/console/settlement.csv'])(
      '%s: a retailer or partner gets 403, no credentials 401',
      async (path) => {
        expectErrorDetail(await getAs(hub, path, RETAILER), 403, 'GENERAL_ERROR');
        expectErrorDetail(await getAs(hub, path, SANDBOX), 403, 'GENERAL_ERROR');
        expectErrorDetail(await getAs(hub, path, null), 401, 'GENERAL_ERROR');
      },
    );
  });
});

/** Reads a text/csv body as a string (supertest parses only JSON and text/plain by itself). */
function textParser(res: Response, done: (err: Error | null, body: string) => void): void {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => done(null, text));
}

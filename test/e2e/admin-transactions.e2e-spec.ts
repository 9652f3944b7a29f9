import { paymentListQuery } from '@app/admin/admin.repository';
import type { PaymentListItem, PaymentListPage, TransactionView } from '@app/admin/admin-views';
import { NO_FILTER, type PaymentFilter } from '@app/admin/transactions/payment-query';
import { columnsOf, type StoredPhase } from '@app/lifecycle/payment-states';
import type { Payment } from '@app/lifecycle/payment.entity';
import { BASIC_AUTH } from '@app/operations/api-docs';
import { Database } from '@app/persistence/database';
import { execute } from '@app/persistence/sql-table';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OPERATOR, RETAILER, VIEWER } from '../factories/hub-config.factory';
import { seedPayments, sandboxSale } from '../utils/console-sales';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { HubStore } from '../utils/lifecycle-db';
import { deliveredSale, getAs, parkedSale, postAs, Sale } from '../utils/operator-flows';

/**
 * docs/console/transactions.md — the transaction list of the operator API
 * (`GET /admin/v1/payments`): newest first, every filter, keyset paging,
 * search by any id, words and money per payment; bad filters are 400
 * ErrorDetails; a viewer reads but cannot act.
 */

/** Seeded payments live in this hour, long before the real sales of the suite. */
const T0 = Date.UTC(2026, 0, 10, 12);
const WINDOW = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 3_600_000).toISOString()}`;
const PHASE_CYCLE: StoredPhase[] = ['CONFIRMED', 'APPROVED', 'DECLINED', 'UNKNOWN', 'REVERSED', 'NO_SCAN'];

describe('transaction list API (GET /admin/v1/payments)', () => {
  let hub: TestApp;
  let seeded: Payment[];
  let sale: Sale;
  let declined: { tranId: string; paymentId: string };

  beforeAll(async () => {
    hub = await createTestApp({ initialDelayMs: 50, maxDelayMs: 200 });
    seeded = await seedPayments(
      hub,
      Array.from({ length: 30 }, (_, i) => {
        const { state, settlement } = columnsOf(PHASE_CYCLE[i % PHASE_CYCLE.length]);
        return {
          // Pairs share a millisecond: the id breaks the tie, and paging must not lose either.
          createdAt: T0 + Math.floor(i / 2) * 60_000,
          state,
          settlement: settlement ?? 'NONE',
          partnerId: ['sandbox', 'wallet-b', 'wallet-c'][i % 3],
          clientId: `shop-${i % 4}`,
          terminalId: `T${i % 5}`,
          currency: i % 7 === 0 ? '392' : '710',
          amount: 100 * (i + 1),
          unknownReason: state === 'UNKNOWN' ? 'PARTNER_TIMEOUT' : null,
          error: state === 'DECLINED' ? { errorType: 'INSUFFICIENT_FUNDS' } : null,
        };
      }),
    );
    sale = await deliveredSale(hub);
    declined = await sandboxSale(hub, 1051, 'nothing');
  });
  afterAll(async () => {
    await hub?.close();
  });

  const list = async (query: string, who = OPERATOR): Promise<PaymentListPage> =>
    (await getAs(hub, `/admin/v1/payments?${query}`, who).expect(200)).body as PaymentListPage;
  /** The seeded payments `keep` selects, newest first (created_at, then id, descending). */
  const expected = (keep: (p: Payment) => boolean): string[] =>
    seeded
      .filter(keep)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .map((p) => p.id);
  const ids = (page: PaymentListPage): string[] => page.items.map((i) => i.paymentId);
  const phaseOf = (p: Payment): StoredPhase =>
    p.state !== 'APPROVED' ? p.state : p.settlement === 'NONE' ? 'APPROVED' : p.settlement;

  it('newest first: the real sales come before the older seeded payments, each with words and money', async () => {
    const page = await list('');
    expect(ids(page).slice(0, 2)).toEqual([declined.paymentId, sale.paymentId]);
    expect(page.items[0]).toMatchObject({
      tranId: declined.tranId,
      phase: 'DECLINED',
      words: { text: 'Declined — INSUFFICIENT_FUNDS', tone: 'ended' },
      errorType: 'INSUFFICIENT_FUNDS',
      money: { code: 'ZAR', value: '10.51', text: 'ZAR 10.51' },
    });
    expect(page.items[1]).toEqual({
      paymentId: sale.paymentId,
      tranId: sale.tranId,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      phase: 'CONFIRMED',
      words: { text: 'Approved · confirmed · delivered', tone: 'ok' },
      amount: 1000,
      currency: '710',
      money: { code: 'ZAR', minorUnits: 2, value: '10.00', text: 'ZAR 10.00' },
      approvedAmount: 1000,
      partnerId: 'sandbox',
      retailerId: RETAILER.id,
      terminalId: expect.any(String),
      unknownReason: null,
      errorType: null,
    } satisfies PaymentListItem);
    expect(page.items).toHaveLength(32);
    expect(page.next).toBeNull();
    expect(page.previous).toBeNull();
  });

  it('each filter narrows to exactly the payments it names', async () => {
    const cases: Array<[string, (p: Payment) => boolean]> = [
      ['phase=CONFIRMED', (p) => phaseOf(p) === 'CONFIRMED'],
      ['phase=APPROVED', (p) => phaseOf(p) === 'APPROVED'],
      ['phase=DECLINED,UNKNOWN', (p) => ['DECLINED', 'UNKNOWN'].includes(phaseOf(p))],
      ['phase=REVERSED&phase=NO_SCAN', (p) => ['REVERSED', 'NO_SCAN'].includes(phaseOf(p))],
      ['partner=wallet-b', (p) => p.partnerId === 'wallet-b'],
      ['retailer=shop-1', (p) => p.clientId === 'shop-1'],
      ['terminal=T3', (p) => p.terminalId === 'T3'],
      ['currency=ZAR', (p) => p.currency === '710'],
      ['currency=392', (p) => p.currency === '392'],
      ['currency=jpy', (p) => p.currency === '392'],
      ['minAmount=1500', (p) => p.amount >= 1500],
      ['maxAmount=800', (p) => p.amount <= 800],
      [
        `from=${new Date(T0 + 5 * 60_000).toISOString()}&to=${new Date(T0 + 9 * 60_000).toISOString()}`,
        (p) => p.createdAt >= T0 + 5 * 60_000 && p.createdAt < T0 + 9 * 60_000,
      ],
      [
        'phase=CONFIRMED,REVERSED&partner=sandbox&retailer=shop-0&minAmount=100&maxAmount=2900',
        (p) =>
          ['CONFIRMED', 'REVERSED'].includes(phaseOf(p)) &&
          p.partnerId === 'sandbox' &&
          p.clientId === 'shop-0' &&
          p.amount <= 2900,
      ],
    ];
    for (const [query, keep] of cases) {
      const want = expected(keep);
      expect(want.length).toBeGreaterThan(0);
      expect({ query, ids: ids(await list(`${query}&${query.includes('from=') ? '' : WINDOW}`)) }).toEqual({
        query,
        ids: want,
      });
    }
    // Nothing matches: an empty page, not an error.
    expect(await list(`terminal=nope&${WINDOW}`)).toEqual({ items: [], next: null, previous: null });
  });

  it('paging walks every payment exactly once, newest first, and back', async () => {
    const seen: string[] = [];
    const pages: PaymentListPage[] = [];
    let cursor: string | null = null;
    do {
      const page: PaymentListPage = await list(`limit=7&${WINDOW}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...ids(page));
      pages.push(page);
      cursor = page.next;
    } while (cursor && pages.length < 20);
    expect(seen).toEqual(expected(() => true));
    expect(new Set(seen).size).toBe(30);
    expect(pages.map((p) => p.items.length)).toEqual([7, 7, 7, 7, 2]);
    expect(pages[0].previous).toBeNull();
    // Newer from the third page is the second page again, and from the second the first.
    const back = await list(`limit=7&${WINDOW}&cursor=${pages[2].previous}`);
    expect(ids(back)).toEqual(ids(pages[1]));
    const first = await list(`limit=7&${WINDOW}&cursor=${back.previous}`);
    expect(ids(first)).toEqual(ids(pages[0]));
    expect(first.previous).toBeNull();
    expect(first.next).not.toBeNull();
  });

  it('q: any id of a transaction lists that transaction’s payments', async () => {
    const store = new HubStore(hub);
    const payment = await store.payment(sale.paymentId);
    const outbox = (await store.outbox(sale.paymentId))[0];
    const byId: Array<[string, string]> = [
      ['tranId', sale.tranId],
      ['paymentId', sale.paymentId],
      ['upstreamId', payment!.upstreamId!],
      ['adviceId', sale.adviceId],
      ['outboxId', outbox.id],
      ['paymentId', sale.paymentId.toUpperCase()],
    ];
    for (const [matchedBy, q] of byId) {
      const page = await list(`q=${encodeURIComponent(q)}`);
      expect({ q, matched: page.matched, ids: ids(page) }).toEqual({
        q,
        matched: { tranId: sale.tranId, matchedBy },
        ids: [sale.paymentId],
      });
    }
    // A search and a filter together: the filter still applies.
    expect(ids(await list(`q=${sale.tranId}&phase=DECLINED`))).toEqual([]);
    expect(await list('q=0123456789abcdef0123456789abcdef')).toEqual({
      items: [],
      next: null,
      previous: null,
      matched: null,
    });
  });

  it('every bad filter → 400 FORMAT_ERROR naming the parameter', async () => {
    const bad: Array<[string, string]> = [
      ['phase=PAID', 'phase'],
      ['currency=XYZ', 'currency'],
      ['minAmount=12.50', 'minAmount'],
      ['maxAmount=-5', 'maxAmount'],
      ['minAmount=9&maxAmount=8', 'minAmount'],
      ['from=yesterday', 'from'],
      ['to=2026-01-10T12:00', 'to'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['cursor=forged', 'cursor'],
      ['partner=a&partner=b', 'partner'],
      [`q=${'x'.repeat(65)}`, 'q'],
    ];
    for (const [query, name] of bad) {
      const body = expectErrorDetail(await getAs(hub, `/admin/v1/payments?${query}`), 400, 'FORMAT_ERROR');
      expect({ query, message: body.errorMessage }).toEqual({ query, message: expect.stringContaining(name) });
    }
  });

  it('GET /admin/v1/transactions/{tranId}: the timeline, its payments with words and money', async () => {
    const byPath = (await getAs(hub, `/admin/v1/transactions/${sale.tranId}`).expect(200)).body as TransactionView;
    const byQuery = (await getAs(hub, `/admin/v1/transactions?q=${sale.tranId}`).expect(200)).body as TransactionView;
    expect(byPath).toEqual(byQuery);
    expect(byPath.payments).toEqual([
      expect.objectContaining({
        id: sale.paymentId,
        words: { text: 'Approved · confirmed · delivered', tone: 'ok' },
        money: { code: 'ZAR', minorUnits: 2, value: '10.00', text: 'ZAR 10.00' },
      }),
    ]);
    expectErrorDetail(
      await getAs(hub, '/admin/v1/transactions/0123456789abcdef0123456789abcdef'),
      404,
      'UNABLE_TO_LOCATE_RECORD',
    );
  });

  it('a viewer reads every admin GET route, but retry and resolve answer 403; no credentials → 401', async () => {
    const parked = await parkedSale(hub, 4098);
    for (const path of [
      '/admin/v1/payments',
      `/admin/v1/transactions?q=${sale.tranId}`,
      `/admin/v1/transactions/${sale.tranId}`,
      '/admin/v1/outbox',
      '/admin/v1/retention',
    ]) {
      await getAs(hub, path, VIEWER).expect(200);
      expectErrorDetail(await getAs(hub, path, null), 401, 'GENERAL_ERROR');
    }
    for (const action of ['retry', 'resolve']) {
      const res = await postAs(hub, `/admin/v1/outbox/${parked.outbox.id}/${action}`, VIEWER);
      expect(expectErrorDetail(res, 403, 'GENERAL_ERROR').errorMessage).toBe('Operation not permitted');
    }
    expect((await new HubStore(hub).outbox(parked.paymentId))[0]).toMatchObject({ status: 'PARKED', attempts: 1 });
    expect((await list(`q=${parked.tranId}`, VIEWER)).items[0].words.text).toBe(
      'Approved · confirmed · delivery parked',
    );
  });

  it('is in the API document: every query parameter, the operator tag, the Basic-auth scheme', async () => {
    const doc = (await hub.raw().get('/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<
          string,
          { operationId?: string; tags?: string[]; security?: unknown[]; parameters?: Array<{ name: string }> }
        >
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    const list = doc.paths['/admin/v1/payments'].get;
    expect(list.operationId).toBe('listPayments');
    expect(list.tags).toEqual(['operator']);
    expect(list.parameters?.map((p) => p.name).sort()).toEqual(
      [
        'currency',
        'cursor',
        'from',
        'limit',
        'maxAmount',
        'minAmount',
        'partner',
        'phase',
        'q',
        'retailer',
        'terminal',
        'to',
      ].sort(),
    );
    expect(list.security).toEqual([{ [BASIC_AUTH]: [] }]);
    expect(Object.keys(doc.components.securitySchemes)).toContain(BASIC_AUTH);
    expect(doc.paths['/admin/v1/transactions/{tranId}'].get.operationId).toBe('getTransaction');
    expect(doc.paths['/admin/v1/outbox/{id}/retry'].post.operationId).toBe('retryAdvice');
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
  });

  describe('the database serves the list from an index, without sorting the table', () => {
    const plan = async (f: Partial<PaymentFilter>, tranId: string | null = null): Promise<string> => {
      const { where, params, tail } = paymentListQuery({ ...NO_FILTER, ...f }, tranId);
      const sql = `SELECT * FROM payments WHERE ${where} ${tail}`;
      return hub.app.get(Database).transaction(async (tx) => {
        if (process.env.TEST_DATABASE === 'postgres') {
          // A table this small is cheaper to read whole; forbid that so the plan shows what a big one gets.
          await execute(tx, 'SET LOCAL enable_seqscan = off', []);
          const { rows } = await execute(tx, `EXPLAIN ${sql}`, params);
          return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
        }
        const { rows } = await execute(tx, `EXPLAIN QUERY PLAN ${sql}`, params);
        return rows.map((r) => String(r.detail)).join('\n');
      });
    };
    const cursor = { createdAt: T0 + 600_000, id: 'ffffffff', newer: false };
    const cases: Array<[string, Partial<PaymentFilter>, RegExp]> = [
      ['no filter', {}, /idx_payments_created_at/],
      ['a phase', { phases: ['CONFIRMED'] }, /idx_payments_state_created_at/],
      ['a partner', { partner: 'sandbox' }, /idx_payments_partner_created_at/],
      ['a retailer', { retailer: 'shop-1' }, /idx_payments_client_created_at/],
      ['a terminal', { terminal: 'T1' }, /idx_payments_terminal_created_at/],
      ['a time range', { from: T0, to: T0 + 3_600_000 }, /idx_payments_created_at/],
      ['a partner, deep in the pages', { partner: 'sandbox', cursor }, /idx_payments_partner_created_at/],
      ['an amount', { minAmount: 500 }, /idx_payments_created_at/],
    ];
    it.each(cases)('%s', async (_name, filter, index) => {
      const text = await plan(filter);
      expect(text).toMatch(index);
      expect(text).not.toMatch(/TEMP B-TREE|Sort|SCAN payments$/m);
    });

    it('a search with filters reads the transaction by its tranId, not every payment of the phase', async () => {
      const filters = { phases: ['CONFIRMED' as const], partner: 'sandbox', from: T0, retailer: 'shop-1' };
      const text = await plan(filters, 'a-tran-id');
      expect(text).toMatch(/idx_payments_tran_id/);
      expect(text).not.toMatch(/idx_payments_(state|partner|client)_created_at|SCAN payments$/m);
    });
  });
});

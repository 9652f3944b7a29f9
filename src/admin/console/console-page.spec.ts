import type { OutboxOverview, TransactionView } from '../admin-views';
import { NO_FILTER } from '../transactions/payment-query';
import { ConsoleTime } from '../present/times';
import { age, PageContext, renderAdvicesPage, renderTimelinePage, returnPath } from './console-page';
import { escapeHtml, html, SafeHtml } from './html';
import { renderTransactionsPage } from './transactions-page';

const HOSTILE = `<script>alert("x")</script>&'`;
const time = new ConsoleTime('Africa/Johannesburg');

const ctx = (over: Partial<PageContext> = {}): PageContext => ({
  operator: { id: 'ops', name: 'Op', role: 'operator' },
  time,
  now: Date.UTC(2026, 11, 4),
  notice: null,
  self: '/console/advices',
  ...over,
});

const outbox = (): OutboxOverview => ({
  partners: [{ partnerId: HOSTILE, pending: 3, parked: 1, oldestPendingMs: 125_000 }],
  parked: [
    {
      id: 'o"1',
      paymentId: 'p<1>',
      tranId: 't1',
      partnerId: HOSTILE,
      kind: 'CONFIRMATION',
      status: 'PARKED',
      attempts: 2,
      lastError: `400 GENERAL_ERROR: ${HOSTILE}`,
      resolvedBy: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    },
  ],
});

const transaction = (): TransactionView => ({
  tranId: 't1',
  matchedBy: 'tranId',
  payments: [],
  outbox: outbox().parked,
  events: [
    {
      time: '2025-01-01T00:00:00.000Z',
      kind: 'MESSAGE_REFUSED',
      title: `Refused ${HOSTILE}`,
      detail: HOSTILE,
      status: HOSTILE,
      ref: null,
    },
  ],
});

const form = {
  q: '',
  phase: '',
  partner: '',
  retailer: '',
  terminal: '',
  currency: '',
  amountFrom: '',
  amountTo: '',
  from: '',
  to: '',
};

describe('console pages', () => {
  it('escape every piece of data: no markup from retailers or partners reaches the page', () => {
    const operator = { id: 'ops', name: '<b>Op</b>', role: 'operator' as const };
    const advices = renderAdvicesPage(ctx({ operator, notice: 'retried' }), { outbox: outbox(), retention: [] }).value;
    const timeline = renderTimelinePage(ctx({ operator, self: '/console/transactions/t1' }), {
      transaction: transaction(),
      problem: null,
    }).value;
    for (const page of [advices, timeline]) {
      expect(page).not.toContain('<script');
      expect(page).not.toContain('<b>Op');
      expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    }
    // Ids in form targets are URL-encoded, then attribute-escaped; the form returns to its page.
    expect(advices).toContain('action="/console/outbox/o%221/retry?back=%2Fconsole%2Fadvices"');
    expect(advices).toContain('href="/console/transactions/p%3C1%3E"');
    expect(timeline).toContain('action="/console/outbox/o%221/resolve?back=%2Fconsole%2Ftransactions%2Ft1"');
  });

  it('the list shows the search as typed, escaped, and says when nothing matches', () => {
    const page = renderTransactionsPage(ctx({ self: '/console' }), {
      form: { ...form, q: `"><script>` },
      partners: ['sandbox'],
      page: { items: [], next: null, previous: null },
      problem: null,
      minorUnits: 2,
      currencyCode: null,
    }).value;
    expect(page).not.toContain('<script');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(page).toContain('No payments match.');
    expect(page).toContain('No currency chosen: read with 2 decimals');
  });

  it('a viewer sees no Retry or Resolve; the header says read-only', () => {
    const viewer = { id: 'auditor', name: 'Auditor', role: 'viewer' as const };
    const page = renderAdvicesPage(ctx({ operator: viewer }), { outbox: outbox(), retention: [] }).value;
    expect(page).not.toMatch(/<form[^>]*method="post"/);
    expect(page).toContain('read-only');
    expect(page).toContain('data-outbox-id="o&quot;1"');
  });

  it('have no script and load nothing from elsewhere (work offline)', () => {
    const page = renderAdvicesPage(ctx(), { outbox: { partners: [], parked: [] }, retention: [] }).value;
    expect(page).not.toMatch(/<script|<link|<img|https?:\/\//i);
    expect(page).toContain('Nothing parked.');
    expect(page.match(/<h1/g)).toHaveLength(1);
  });

  it('show how long each kind is kept and the oldest record kept, in the console zone, with its age', () => {
    const page = renderAdvicesPage(ctx(), {
      outbox: { partners: [], parked: [] },
      retention: [
        { kind: 'payments', keptDays: 400, oldest: '2025-10-22T10:00:00.000Z', oldestAgeSeconds: 401 * 86_400 },
        { kind: 'audit', keptDays: null, oldest: null, oldestAgeSeconds: null },
      ],
    }).value;
    const row = (kind: string) => page.match(new RegExp(`<tr data-kind="${kind}">([\\s\\S]*?)</tr>`))?.[1] ?? '';
    expect(row('payments').replace(/\s+/g, ' ')).toContain(
      '400 d</td> <td><time datetime="2025-10-22T10:00:00.000Z">2025-10-22 12:00:00</time></td> <td class="num">401 d 0 h',
    );
    expect(row('audit').replace(/\s+/g, ' ')).toContain('forever</td> <td>—</td> <td class="num">—');
  });

  it('html`` escapes interpolations unless they are SafeHtml, and joins lists', () => {
    expect(html`<p>${'<i>'}${new SafeHtml('<i>')}${['a', '&']}${null}${7}</p>`.value).toBe(
      '<p>&lt;i&gt;<i>a&amp;7</p>',
    );
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('shows ages in the largest sensible unit', () => {
    expect([0, 999, 59_000, 125_000, 7_260_000, 90_000_000].map(age)).toEqual([
      '—',
      '0 s',
      '59 s',
      '2 min 5 s',
      '2 h 1 min',
      '1 d 1 h',
    ]);
  });

  it('an action returns to the console page it came from, never elsewhere', () => {
    expect(returnPath('/console/transactions/abc', 'retried')).toBe('/console/transactions/abc?done=retried');
    expect(returnPath('/console?phase=UNKNOWN&done=resolved', 'retried')).toBe('/console?phase=UNKNOWN&done=retried');
    expect(returnPath('/console/advices', 'not-parked')).toBe('/console/advices?done=not-parked');
    for (const hostile of [
      'https://evil.example/console',
      '//evil.example/console',
      '/\\evil.example',
      '/console\\..\\x',
      '/consoleevil',
      '/console/../admin',
      '/other',
      '',
      undefined,
      ['/console'],
      'javascript:alert(1)',
    ]) {
      expect(returnPath(hostile, 'resolved')).toMatch(/^\/console(\/|\?)/);
      expect(returnPath(hostile, 'resolved')).not.toMatch(/evil|admin|other|javascript/);
    }
    expect(NO_FILTER.limit).toBe(50);
  });
});

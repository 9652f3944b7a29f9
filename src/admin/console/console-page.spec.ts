import type { OutboxOverview, TransactionView } from '../admin-views';
import { age, renderConsolePage } from './console-page';
import { escapeHtml, html, SafeHtml } from './html';

const HOSTILE = `<script>alert("x")</script>&'`;

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
  outbox: [],
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

describe('console page', () => {
  it('escapes every piece of data: no markup from retailers or partners reaches the page', () => {
    const page = renderConsolePage({
      operator: { id: 'ops', name: '<b>Op</b>', role: 'operator' },
      q: `"><script>`,
      transaction: transaction(),
      searchProblem: null,
      notice: 'retried',
      outbox: outbox(),
      retention: [],
    }).value;
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<b>Op');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;"');
    // Ids in form targets are URL-encoded, then attribute-escaped.
    expect(page).toContain('action="/console/outbox/o%221/retry?q=%22%3E%3Cscript%3E"');
    expect(page).toContain('href="/console?q=p%3C1%3E"');
  });

  it('has no script and loads nothing from elsewhere (works offline)', () => {
    const page = renderConsolePage({
      operator: { id: 'ops', name: 'Op', role: 'operator' },
      q: '',
      transaction: null,
      searchProblem: null,
      notice: null,
      outbox: { partners: [], parked: [] },
      retention: [],
    }).value;
    expect(page).not.toMatch(/<script|<link|<img|https?:\/\//i);
    expect(page).toContain('Nothing parked.');
  });

  it('shows how long each kind is kept and the oldest record kept, with its age', () => {
    const page = renderConsolePage({
      operator: { id: 'ops', name: 'Op', role: 'operator' },
      q: '',
      transaction: null,
      searchProblem: null,
      notice: null,
      outbox: { partners: [], parked: [] },
      retention: [
        { kind: 'payments', keptDays: 400, oldest: '2025-10-22T10:00:00.000Z', oldestAgeSeconds: 401 * 86_400 },
        { kind: 'audit', keptDays: null, oldest: null, oldestAgeSeconds: null },
      ],
    }).value;
    const row = (kind: string) => page.match(new RegExp(`<tr data-kind="${kind}">([\\s\\S]*?)</tr>`))?.[1] ?? '';
    expect(row('payments').replace(/\s+/g, ' ')).toContain(
      '400 d</td> <td>2025-10-22T10:00:00.000Z</td> <td class="num">401 d 0 h',
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
});

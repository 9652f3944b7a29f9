import type { Principal } from '@app/auth/principal';
import { ConsoleTime } from '../present/times';
import { SETTLEMENT_CSV_HEADER, settlementCsv } from './settlement-csv';
import { renderSettlementPage } from './settlement-page';
import { SettlementReport, SettlementRow } from './settlement-views';

const HOSTILE_NAME = '=HYPERLINK("https://evil.example","<b>click</b>")';

const tally = (count: number, amount: number, value: string) => ({ count, amount, value });

const row = (grouping: SettlementRow['grouping'], group: string, name: string | null): SettlementRow => ({
  grouping,
  group,
  name,
  currency: '710',
  currencyCode: 'ZAR',
  minorUnits: 2,
  approved: tally(2, 1250, '12.50'),
  confirmed: tally(1, 1000, '10.00'),
  reversed: tally(0, 0, '0.00'),
  timeoutReversals: tally(1, 91, '0.91'),
  advicesPending: 1,
  advicesParked: 0,
});

const report: SettlementReport = {
  day: '2026-12-04',
  timeZone: 'Africa/Johannesburg',
  cutoff: '18:00',
  from: '2026-12-03T16:00:00.000Z',
  to: '2026-12-04T16:00:00.000Z',
  previousDay: '2026-12-03',
  nextDay: '2026-12-05',
  partners: [row('partner', 'wallet-a', HOSTILE_NAME)],
  retailers: [row('retailer', '+27', null)],
  total: [row('total', 'all', null)],
};

const operator: Principal = { id: 'ops', name: 'Operator', role: 'operator' };

describe('settlement output', () => {
  it('CSV: a header, then partners, retailers and totals; names a spreadsheet would run are made text', () => {
    const lines = settlementCsv(report).split('\r\n');
    expect(lines[0]).toBe(SETTLEMENT_CSV_HEADER.join(','));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(
      '2026-12-04,2026-12-03T16:00:00.000Z,2026-12-04T16:00:00.000Z,Africa/Johannesburg,partner,wallet-a,' +
        `"'=HYPERLINK(""https://evil.example"",""<b>click</b>"")",ZAR,710,2,12.50,1250,1,10.00,1000,0,0.00,0,1,0.91,91,1,0`,
    );
    expect(lines[2].split(',').slice(4, 7)).toEqual(['retailer', "'+27", '']);
    expect(lines[3].split(',').slice(4, 6)).toEqual(['total', 'all']);
    expect(lines[4]).toBe('');
  });

  it('page: names are escaped, amounts shown with their currency, one h1', () => {
    const page = renderSettlementPage({
      operator,
      time: new ConsoleTime('Africa/Johannesburg'),
      asked: '2026-12-04',
      report,
      problem: null,
      today: '2026-12-04',
    }).value;
    expect(page).not.toContain('<b>click</b>');
    expect(page).toContain('&lt;b&gt;click&lt;/b&gt;');
    expect(page.match(/<h1/g)).toHaveLength(1);
    expect(page).toContain('ZAR 12.50');
    expect(page).toContain('2026-12-03 18:00');
    expect(page).toContain('href="/console/settlement.csv?day=2026-12-04"');
  });

  it('page with a problem: what was asked is shown as text, no tables, a link to the current day', () => {
    const page = renderSettlementPage({
      operator,
      time: new ConsoleTime('UTC'),
      asked: '<script>x</script>',
      report: null,
      problem: 'day must be a calendar date YYYY-MM-DD (e.g. 2026-12-04)',
      today: '2026-12-04',
    }).value;
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(page).not.toContain('<table');
    expect(page).toContain('href="/console/settlement?day=2026-12-04"');
  });
});

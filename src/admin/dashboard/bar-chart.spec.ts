import { barChart, barLength, BarChartSpec, hasData, niceMax } from './bar-chart';

const spec = (overrides: Partial<BarChartSpec> = {}): BarChartSpec => ({
  id: 'chart-test',
  title: 'Payments per partner',
  rowHeader: 'Partner',
  layout: 'stacked',
  series: [
    { label: 'Approved', colour: '#1e6b34' },
    { label: 'Declined', colour: '#a4161a' },
  ],
  rows: [
    { label: 'sandbox', values: [3, 1] },
    { label: 'wallet-a', values: [2, 0] },
  ],
  emptyText: 'No payments in the last hour',
  ...overrides,
});

describe('niceMax: the end of the value axis', () => {
  it.each([
    [0, 1],
    [-3, 1],
    [Number.NaN, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [10, 10],
    [11, 20],
    [42, 50],
    [150, 200],
    [999, 1000],
    [0.3, 0.5],
    [0.2, 0.2],
  ])('%p → %p', (max, nice) => {
    expect(niceMax(max)).toBe(nice);
  });
});

describe('barLength: a value on the axis', () => {
  it('is proportional to the value, never negative, never past the axis', () => {
    expect(barLength(5, 10, 400)).toBe(200);
    expect(barLength(10, 10, 400)).toBe(400);
    expect(barLength(1, 3, 100)).toBe(33.3);
    expect(barLength(0, 10, 400)).toBe(0);
    expect(barLength(-2, 10, 400)).toBe(0);
    expect(barLength(20, 10, 400)).toBe(400);
    expect(barLength(5, 0, 400)).toBe(0);
  });
});

describe('barChart', () => {
  it('draws an SVG image named by its title, with the numbers in a table beside it', () => {
    const out = barChart(spec()).value;
    expect(out).toMatch(/<svg\s+role="img"\s+aria-labelledby="chart-test-title"/);
    expect(out).toContain('<title id="chart-test-title">Payments per partner</title>');
    // Stacked: the axis ends at the nice maximum of the largest total (4 → 5); sandbox's segments 3 and 1.
    expect(out).toContain('width="204"'); // 3 / 5 × 340
    expect(out).toContain('width="68"'); // 1 / 5 × 340
    // An axis of counts has no half-way tick at 2.5: only 0 and 5.
    expect(out).toMatch(/>\s*5\s*<\/text/);
    expect(out).not.toContain('2.5');
    const table = out.slice(out.indexOf('<table'));
    expect(table.replace(/\s+/g, ' ')).toContain(
      '<th scope="row">sandbox</th> <td class="num">3</td><td class="num">1</td> <td class="num">4</td>',
    );
    expect(hasData(spec())).toBe(true);
  });

  it('draws grouped bars on one axis, with the unit in the table header', () => {
    const out = barChart(spec({ layout: 'grouped', unit: 'ms', rows: [{ label: 'sandbox', values: [40, 80] }] })).value;
    // The axis ends at 100 (the nice maximum of the largest value, 80): 80 → 272, 40 → 136 of 340.
    expect(out).toContain('width="272"');
    expect(out).toContain('width="136"');
    expect(out).toContain('>100</text');
    expect(out).toContain('Approved (ms)');
  });

  it('escapes every label: a partner id or errorType cannot inject markup', () => {
    const hostile = '<script>alert(1)</script>"&';
    const out = barChart(
      spec({
        title: `Declines <b>`,
        series: [{ label: `<img src=x onerror=1>`, colour: '#a4161a' }],
        rows: [{ label: hostile, values: [2] }],
      }),
    ).value;
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;');
    expect(out).toContain('Declines &lt;b&gt;');
  });

  it('shows the empty text instead of empty axes when there is nothing to draw', () => {
    for (const rows of [[], [{ label: 'sandbox', values: [0, 0] }]]) {
      const out = barChart(spec({ rows })).value;
      expect(out).not.toContain('<svg');
      expect(out).not.toContain('<table');
      expect(out).toContain('No payments in the last hour');
      expect(out).toContain('data-empty="true"');
      expect(hasData(spec({ rows }))).toBe(false);
    }
  });
});

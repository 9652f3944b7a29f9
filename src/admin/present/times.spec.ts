import { ConsoleTime } from './times';

describe('ConsoleTime: one zone for every time the console shows', () => {
  const at = Date.parse('2026-12-04T16:42:09.500Z');

  it('formats in the configured zone and names it with its offset', () => {
    const johannesburg = new ConsoleTime('Africa/Johannesburg');
    expect(johannesburg.format(at)).toBe('2026-12-04 18:42:09');
    expect(johannesburg.date(Date.parse('2026-12-04T22:30:00Z'))).toBe('2026-12-05');
    expect(johannesburg.label(at)).toBe('Africa/Johannesburg (UTC+02:00)');
    expect(new ConsoleTime('UTC').label(at)).toBe('UTC (UTC+00:00)');
    expect(new ConsoleTime('America/St_Johns').label(at)).toBe('America/St_Johns (UTC-03:30)');
  });

  it('finds the instant a local wall-clock time names, also across a daylight-saving change', () => {
    expect(new ConsoleTime('Africa/Johannesburg').instant('2026-12-04', '18:00')).toBe(
      Date.parse('2026-12-04T16:00:00Z'),
    );
    const london = new ConsoleTime('Europe/London');
    // Clocks go forward at 01:00 on 29 March 2026: 00:00 is GMT, 18:00 is BST.
    expect(london.instant('2026-03-29', '00:00')).toBe(Date.parse('2026-03-29T00:00:00Z'));
    expect(london.instant('2026-03-29', '18:00')).toBe(Date.parse('2026-03-29T17:00:00Z'));
    // And back at 02:00 on 25 October 2026.
    expect(london.instant('2026-10-25', '18:00')).toBe(Date.parse('2026-10-25T18:00:00Z'));
    expect(london.format(london.instant('2026-10-24', '18:00'))).toBe('2026-10-24 18:00:00');
  });
});

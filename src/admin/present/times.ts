/**
 * Times as the console shows them: one configured IANA zone for every page,
 * report and CSV (`console.timeZone`, docs/operations-console.md), written
 * `2026-12-04 18:42:09` with the zone named once per page.
 */
export class ConsoleTime {
  private readonly parts: Intl.DateTimeFormat;

  constructor(readonly zone: string) {
    this.parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
  }

  /** `2026-12-04 18:42:09` in the zone. */
  format(epochMs: number): string {
    const p = this.fields(epochMs);
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  }

  /** `2026-12-04`: the calendar date in the zone. */
  date(epochMs: number): string {
    const p = this.fields(epochMs);
    return `${p.year}-${p.month}-${p.day}`;
  }

  /** The zone and its offset now, e.g. `Africa/Johannesburg (UTC+02:00)`. */
  label(epochMs: number): string {
    const offset = this.offsetMinutes(epochMs);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    return `${this.zone} (UTC${sign}${hhmm})`;
  }

  /** Minutes the zone is ahead of UTC at that instant. */
  offsetMinutes(epochMs: number): number {
    const p = this.fields(epochMs);
    const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
  }

  /**
   * The instant a local wall-clock time in the zone names (`2026-12-04`,
   * `18:00`). Across a daylight-saving change the offset of that moment is
   * used, found by correcting once for the offset at the first guess.
   */
  instant(date: string, time: string): number {
    const [y, mo, d] = date.split('-').map(Number);
    const [h, mi] = time.split(':').map(Number);
    const wall = Date.UTC(y, mo - 1, d, h, mi);
    const guess = wall - this.offsetMinutes(wall) * 60_000;
    return wall - this.offsetMinutes(guess) * 60_000;
  }

  private fields(epochMs: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
    const out = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
    for (const part of this.parts.formatToParts(epochMs)) {
      if (part.type in out) out[part.type as keyof typeof out] = part.value;
    }
    return out;
  }
}

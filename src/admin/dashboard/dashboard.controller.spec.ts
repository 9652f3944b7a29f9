import { FormatError } from '@app/errors/hub-error';
import { parseLive, parseWindow } from './dashboard.service';

describe('dashboard controller', () => {
  it('takes window hour (the default) or day, and live 1 (the default) or 0, nothing else', () => {
    expect(parseWindow(undefined)).toBe('hour');
    expect(parseWindow('day')).toBe('day');
    for (const bad of ['week', 'HOUR', 'toString', ['hour', 'day'], 1])
      expect(() => parseWindow(bad)).toThrow(FormatError);
    expect(parseLive(undefined)).toBe(true);
    expect(parseLive('1')).toBe(true);
    expect(parseLive('0')).toBe(false);
    expect(() => parseLive('yes')).toThrow(FormatError);
  });
});

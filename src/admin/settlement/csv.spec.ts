import { csvField, toCsv } from './csv';

describe('CSV writer (RFC 4180, formula-safe)', () => {
  it('writes plain text and numbers as they are', () => {
    expect(csvField('ZAR')).toBe('ZAR');
    expect(csvField('12.50')).toBe('12.50');
    expect(csvField(1250)).toBe('1250');
    expect(csvField(0)).toBe('0');
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('');
  });

  it('quotes a field holding a comma, a quote or a line break, doubling quotes', () => {
    expect(csvField('Shop, Main St')).toBe('"Shop, Main St"');
    expect(csvField('the "best" shop')).toBe('"the ""best"" shop"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+27 11', "'+27 11"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('prefixes text a spreadsheet would run as a formula: %p', (text, written) => {
    expect(csvField(text)).toBe(written);
  });

  it('leaves a formula character inside the text alone', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('shop-1')).toBe('shop-1');
  });

  it('does not prefix numbers, even negative ones (the report writes them itself)', () => {
    expect(csvField(-5)).toBe('-5');
  });

  it('writes a header and rows, each line ended by CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 1],
          [null, '=1'],
        ],
      ),
    ).toBe(`a,b\r\n"x,y",1\r\n,'=1\r\n`);
  });

  it('refuses a row whose width differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [['only one']])).toThrow(/1 fields, header has 2/);
  });
});

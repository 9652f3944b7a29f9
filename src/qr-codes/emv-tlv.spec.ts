import {
  buildMerchantQr,
  crc16CcittFalse,
  decodeTemplate,
  decodeTlv,
  EmvTlvError,
  encodeTlv,
  MerchantQrInput,
  parseMerchantQr,
  TlvField,
  verifyCrc,
  withCrc,
} from '@app/qr-codes/emv-tlv';

const TRAN_ID = 'f82d7f64feea4f2ab24da94aaf5c2941';
// docs/protocol.md §4: the example from the interface docs.
const DOCS_EXAMPLE = '00020126500010za.co.elec0132f82d7f64feea4f2ab24da94aaf5c2941';
// EMV® QRCPS Merchant-Presented Mode spec, appendix example (Chinese text in tag 64, unsorted tags).
const EMVCO_EXAMPLE =
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A';
// dtinth/promptpay-qr index.test.js "Amount" case (the reference PromptPay generator).
// The brief's "PromptPay sample" ...5303704...630468F1 was NOT kept: no CRC-16 variant or tag
// order reproduces 68F1, and 704 is VND, not THB (764), so it is a hand-edited sample.
const PROMPTPAY_EXAMPLE = '00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469';

const base: MerchantQrInput = { scheme: 'EMVCO_MERCHANT', templateTag: 26, providerId: 'za.co.elec', tranId: TRAN_ID };
const tagsOf = (fields: TlvField[]) => fields.map((f) => f.tag);
const valueOf = (fields: TlvField[], tag: string) => fields.find((f) => f.tag === tag)?.value;

describe('EMVCo TLV encoding', () => {
  it('encodes and decodes the interface docs example, template included', () => {
    const fields: TlvField[] = [
      { tag: '00', value: '01' },
      {
        tag: '26',
        value: [
          { tag: '00', value: 'za.co.elec' },
          { tag: '01', value: TRAN_ID },
        ],
      },
    ];
    expect(encodeTlv(fields)).toBe(DOCS_EXAMPLE);
    const decoded = decodeTlv(DOCS_EXAMPLE);
    expect(decoded).toEqual([
      { tag: '00', value: '01' },
      { tag: '26', value: `0010za.co.elec0132${TRAN_ID}` },
    ]);
    expect(decodeTemplate(decoded[1].value as string)).toEqual(fields[1].value);
  });

  it('counts lengths in characters, so the EMVCo example decodes (tag 64 is 20 characters)', () => {
    const fields = decodeTlv(EMVCO_EXAMPLE);
    expect(valueOf(fields, '64')).toBe('0002ZH0104最佳运输0202北京');
    expect(decodeTemplate(valueOf(fields, '64') as string)).toEqual([
      { tag: '00', value: 'ZH' },
      { tag: '01', value: '最佳运输' },
      { tag: '02', value: '北京' },
    ]);
    expect(encodeTlv(fields)).toBe(EMVCO_EXAMPLE);
  });

  it('rejects a tag that is not two digits', () => {
    expect(() => encodeTlv([{ tag: '5', value: 'x' }])).toThrow(EmvTlvError);
    expect(() => encodeTlv([{ tag: 'A1', value: 'x' }])).toThrow(/not two digits/);
    expect(() => decodeTlv('0002010A02xx')).toThrow(/not two digits/);
  });

  it('rejects a value longer than 99 characters, also when it is a nested template', () => {
    expect(encodeTlv([{ tag: '59', value: 'x'.repeat(99) }])).toHaveLength(103);
    expect(() => encodeTlv([{ tag: '59', value: 'x'.repeat(100) }])).toThrow(EmvTlvError);
    expect(() => encodeTlv([{ tag: '26', value: [{ tag: '01', value: 'x'.repeat(96) }] }])).toThrow(/outside 1\.\.99/);
  });

  it('rejects an empty value, which EMVCo lengths (01..99) do not allow', () => {
    expect(() => encodeTlv([{ tag: '59', value: '' }])).toThrow(EmvTlvError);
  });

  it('rejects truncated payloads and non-digit lengths', () => {
    expect(() => decodeTlv(DOCS_EXAMPLE.slice(0, -1))).toThrow(/truncated/);
    expect(() => decodeTlv('000201260')).toThrow(/truncated/);
    expect(() => decodeTlv('00x101')).toThrow(/invalid length/);
    expect(decodeTlv('')).toEqual([]);
  });
});

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the catalogue check value for "123456789"', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('verifies the EMVCo spec example, computing over UTF-8 bytes', () => {
    expect(crc16CcittFalse(EMVCO_EXAMPLE.slice(0, -4))).toBe('A13A');
    expect(verifyCrc(EMVCO_EXAMPLE)).toBe(true);
  });

  it('verifies the PromptPay reference vector', () => {
    expect(verifyCrc(PROMPTPAY_EXAMPLE)).toBe(true);
  });

  it('rejects a corrupted payload, a wrong CRC and a payload without tag 63', () => {
    expect(verifyCrc(EMVCO_EXAMPLE.replace('BEIJING', 'BEIJINH'))).toBe(false);
    expect(verifyCrc(EMVCO_EXAMPLE.slice(0, -4) + 'A13B')).toBe(false);
    expect(verifyCrc(DOCS_EXAMPLE)).toBe(false);
    expect(verifyCrc('not tlv')).toBe(false);
  });

  it('withCrc covers "6304" itself', () => {
    const body = '000201';
    expect(withCrc(body)).toBe(`${body}6304${crc16CcittFalse(`${body}6304`)}`);
    expect(verifyCrc(withCrc(body))).toBe(true);
  });
});

describe('buildMerchantQr', () => {
  it('ELECTRUM_MERCHANT_MINIMAL gives exactly the interface docs example', () => {
    expect(buildMerchantQr({ ...base, scheme: 'ELECTRUM_MERCHANT_MINIMAL', merchantName: 'ignored' })).toBe(
      DOCS_EXAMPLE,
    );
  });

  it('PSEUDO_EMVCO_MERCHANT adds only the given merchant tags and no CRC', () => {
    const qr = buildMerchantQr({
      ...base,
      scheme: 'PSEUDO_EMVCO_MERCHANT',
      currency: '710',
      merchantCity: 'Cape Town',
    });
    expect(qr).toBe(`${DOCS_EXAMPLE}53037106009Cape Town`);
  });

  it('EMVCO_MERCHANT verifies its own CRC and decodes back; 000201 then the template first (docs/protocol.md §4)', () => {
    const qr = buildMerchantQr({
      ...base,
      merchantCategoryCode: '5411',
      currency: '710',
      amountMinor: 79995,
      countryCode: 'za',
      merchantName: 'Corner Cafe',
      merchantCity: 'Johannesburg',
    });
    expect(verifyCrc(qr)).toBe(true);
    const fields = decodeTlv(qr);
    expect(fields.map((f) => [f.tag, f.value])).toEqual([
      ['00', '01'],
      ['26', `0010za.co.elec0132${TRAN_ID}`],
      ['01', '12'],
      ['52', '5411'],
      ['53', '710'],
      ['54', '799.95'],
      ['58', 'ZA'],
      ['59', 'Corner Cafe'],
      ['60', 'Johannesburg'],
      ['63', qr.slice(-4)],
    ]);
    expect(parseMerchantQr(qr)).toMatchObject({ providerId: 'za.co.elec', tranId: TRAN_ID });
  });

  it('EMVCO_MERCHANT fills the mandatory tags with documented defaults and omits 54 without amount', () => {
    const fields = decodeTlv(buildMerchantQr({ ...base, templateTag: 51 }));
    expect(tagsOf(fields)).toEqual(['00', '51', '01', '52', '53', '58', '59', '60', '63']);
    expect(fields.slice(3, 8).map((f) => f.value)).toEqual(['0000', '710', 'ZA', 'NA', 'NA']);
  });

  it.each([
    [79995, 2, '799.95'],
    [100, 2, '1.00'],
    [5, 2, '0.05'],
    [100, 0, '100'],
    [1234, 3, '1.234'],
  ])('formats %d minor units at exponent %d as "%s"', (amountMinor, currencyExponent, expected) => {
    expect(valueOf(decodeTlv(buildMerchantQr({ ...base, amountMinor, currencyExponent })), '54')).toBe(expected);
  });

  it('truncates merchant name to 25 and city to 15 characters', () => {
    const fields = decodeTlv(buildMerchantQr({ ...base, merchantName: 'N'.repeat(40), merchantCity: 'C'.repeat(40) }));
    expect(valueOf(fields, '59')).toBe('N'.repeat(25));
    expect(valueOf(fields, '60')).toBe('C'.repeat(15));
  });

  it.each([25, 52, 26.5])('rejects template tag %d (outside 26..51)', (templateTag) => {
    expect(() => buildMerchantQr({ ...base, templateTag })).toThrow(EmvTlvError);
    expect(() => parseMerchantQr(DOCS_EXAMPLE, templateTag)).toThrow(/outside 26\.\.51/);
  });

  it('rejects malformed merchant fields and amounts', () => {
    expect(() => buildMerchantQr({ ...base, merchantCategoryCode: '54' })).toThrow(/merchantCategoryCode/);
    expect(() => buildMerchantQr({ ...base, currency: 'ZAR' })).toThrow(/currency/);
    expect(() => buildMerchantQr({ ...base, amountMinor: 1.5 })).toThrow(/amountMinor/);
    expect(() => buildMerchantQr({ ...base, amountMinor: -1 })).toThrow(/amountMinor/);
    expect(() => buildMerchantQr({ ...base, amountMinor: 2 ** 53 })).toThrow(/amountMinor/);
  });

  it('rejects a tranId too long for the template', () => {
    expect(() => buildMerchantQr({ ...base, tranId: 'x'.repeat(90) })).toThrow(EmvTlvError);
  });
});

describe('parseMerchantQr', () => {
  it('extracts providerId and tranId from the configured template', () => {
    expect(parseMerchantQr(DOCS_EXAMPLE)).toEqual({
      providerId: 'za.co.elec',
      tranId: TRAN_ID,
      fields: decodeTlv(DOCS_EXAMPLE),
    });
    const at40 = buildMerchantQr({ ...base, scheme: 'ELECTRUM_MERCHANT_MINIMAL', templateTag: 40 });
    expect(parseMerchantQr(at40, 40)).toMatchObject({ providerId: 'za.co.elec', tranId: TRAN_ID });
  });

  it('returns no ids when the template is absent', () => {
    const parsed = parseMerchantQr(DOCS_EXAMPLE, 27);
    expect(parsed.providerId).toBeUndefined();
    expect(parsed.tranId).toBeUndefined();
    expect(parsed.fields).toHaveLength(2);
  });

  it('rejects a payload whose tag 63 does not verify', () => {
    const qr = buildMerchantQr(base);
    expect(() => parseMerchantQr(qr.replace(TRAN_ID, TRAN_ID.replace('f', 'e')))).toThrow(/CRC/);
  });
});

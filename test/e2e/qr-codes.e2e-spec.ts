import { DataSource } from 'typeorm';
import { decodeTlv, parseMerchantQr, verifyCrc } from '@app/qr-codes/emv-tlv';
import { expectErrorDetail, expectViolations } from '../factories/error-detail.matcher';
import { OTHER_RETAILER, RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * docs/protocol.md §4 createQrCode: the response, the tranId, the EMVCo payload per
 * scheme, expiry, duplicate ids (also under concurrency), and what is stored
 * (the QR record and the audit trail, docs/protocol.md §10).
 */

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const TRAN_ID = /^[0-9a-f]{32}$/;
const PROVIDER_ID = 'za.co.elec';
const DEFAULT_TTL_MS = 300_000;

/** CRC-16/CCITT-FALSE written independently of the hub's (check value: "123456789" → 29B1). */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Root tags of an EMVCo payload as a tag → value map (each tag must appear once). */
function rootTags(qrCode: string): Map<string, string> {
  const fields = decodeTlv(qrCode);
  const tags = new Map<string, string>();
  for (const f of fields) {
    expect(tags.has(f.tag)).toBe(false);
    tags.set(f.tag, String(f.value));
  }
  return tags;
}

/** An RFC 3339 text for `ms` in a +02:00 offset, as a South African POS might send it. */
function sastText(ms: number): string {
  return `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
}

interface QrRow {
  tran_id: string;
  request_id: string;
  client_id: string;
  terminal_id: string;
  merchant_id: string | null;
  amount: number | string | null;
  currency: string | null;
  single_use: boolean | number;
  over_payment_allowed: boolean | number;
  part_payment_allowed: boolean | number;
  scheme: string;
  qr_code: string;
  expires_at: number | string;
  created_at: number | string;
}

interface AuditRow {
  direction: string;
  operation: string;
  message_id: string | null;
  tran_id: string | null;
  institution_id: string | null;
  http_status: number | string | null;
  outcome: string | null;
}

describe('createQrCode (docs/protocol.md §4)', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub.close());

  const create = (body: unknown, auth = RETAILER) => hub.post('/qr/v1/qrCodes', body, auth);

  async function qrRows(requestId: string): Promise<QrRow[]> {
    return hub.app
      .get(DataSource)
      .createQueryBuilder()
      .select('*')
      .from('qr_codes', 'q')
      .where('q.request_id = :requestId', { requestId })
      .getRawMany<QrRow>();
  }

  async function auditRows(messageId: string): Promise<AuditRow[]> {
    return hub.app
      .get(DataSource)
      .createQueryBuilder()
      .select([
        'a.direction',
        'a.operation',
        'a.message_id',
        'a.tran_id',
        'a.institution_id',
        'a.http_status',
        'a.outcome',
      ])
      .from('audit_messages', 'a')
      .where('a.message_id = :messageId', { messageId })
      .orderBy('a.seq', 'ASC')
      .getRawMany<AuditRow>()
      .then((rows) =>
        rows.map((r) => {
          // Raw rows may be keyed `a_direction` (alias prefix) or `direction`, depending on the driver.
          const get = (k: string) =>
            (r as unknown as Record<string, unknown>)[k] ?? (r as unknown as Record<string, unknown>)[`a_${k}`];
          return {
            direction: get('direction'),
            operation: get('operation'),
            message_id: get('message_id'),
            tran_id: get('tran_id'),
            institution_id: get('institution_id'),
            http_status: get('http_status'),
            outcome: get('outcome'),
          } as AuditRow;
        }),
      );
  }

  describe('201 CreateQrCodeResponse', () => {
    it('has every required field, valid, echoing the request', async () => {
      const request = aCreateQrCodeRequest({ rrn: 'RRN-1', stan: '000123' });
      const before = Date.now();
      const res = await create(request);
      const after = Date.now();

      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      const body = res.body as Record<string, unknown>;
      for (const key of ['client', 'id', 'originator', 'qrCode', 'qrProperties', 'time', 'tranId']) {
        expect(body).toHaveProperty(key);
      }
      expect(body.id).toBe(request.id);
      expect(typeof body.time).toBe('string');
      expect(body.time).toMatch(RFC3339);
      const time = Date.parse(body.time as string);
      expect(time).toBeGreaterThanOrEqual(before - 1000);
      expect(time).toBeLessThanOrEqual(after + 1000);
      expect(body.client).toEqual(request.client);
      expect(body.originator).toEqual(request.originator);
      expect(body.amounts).toEqual(request.amounts);
      expect(body.rrn).toBe('RRN-1');
      expect(body.stan).toBe('000123');
      expect(body.tranId).toMatch(TRAN_ID);
      expect(typeof body.qrCode).toBe('string');

      const props = body.qrProperties as Record<string, unknown>;
      expect(props.value).toEqual(request.qrProperties.value);
      expect(props.scheme).toBe('ELECTRUM_MERCHANT_MINIMAL');
      expect(props.singleUse).toBe(true);
      expect(props.overPaymentAllowed).toBe(false);
      expect(props.partPaymentAllowed).toBe(false);
      expect(props.expiryDate).toMatch(RFC3339);

      // Identifiers set by others are passed on unaltered (swagger ThirdPartyIdentifier).
      expect(Array.isArray(body.thirdPartyIdentifiers)).toBe(true);
      expect(body.thirdPartyIdentifiers).toEqual(expect.arrayContaining(request.thirdPartyIdentifiers ?? []));
      for (const id of body.thirdPartyIdentifiers as Array<Record<string, unknown>>) {
        expect(typeof id.institutionId).toBe('string');
        expect(typeof id.transactionIdentifier).toBe('string');
      }
    });

    it('echoes the flags as sent', async () => {
      const request = aCreateQrCodeRequest({
        qrProperties: { singleUse: false, overPaymentAllowed: true, partPaymentAllowed: true },
      });
      const res = await create(request);
      expect(res.status).toBe(201);
      expect(res.body.qrProperties).toMatchObject({
        singleUse: false,
        overPaymentAllowed: true,
        partPaymentAllowed: true,
      });
    });

    it('gives a tranId of 32 lowercase hex chars, unique across 200 requests', async () => {
      const tranIds: string[] = [];
      for (let batch = 0; batch < 8; batch++) {
        const responses = await Promise.all(Array.from({ length: 25 }, () => create(aCreateQrCodeRequest())));
        for (const res of responses) {
          expect(res.status).toBe(201);
          expect(res.body.tranId).toMatch(TRAN_ID);
          tranIds.push(res.body.tranId as string);
        }
      }
      expect(tranIds).toHaveLength(200);
      expect(new Set(tranIds).size).toBe(200);
      // 128 random bits: no two share even a long prefix.
      expect(new Set(tranIds.map((t) => t.slice(0, 12))).size).toBe(200);
    });
  });

  describe('qrCode payload', () => {
    it('ELECTRUM_MERCHANT_MINIMAL by default: exactly 000201 + template 26 (00 provider, 01 tranId)', async () => {
      const request = aCreateQrCodeRequest({ qrProperties: { scheme: undefined } });
      const res = await create(request);
      expect(res.status).toBe(201);
      const { tranId, qrCode } = res.body as { tranId: string; qrCode: string };

      expect(res.body.qrProperties.scheme).toBe('ELECTRUM_MERCHANT_MINIMAL');
      expect(qrCode).toBe(`00020126500010${PROVIDER_ID}0132${tranId}`);

      const fields = decodeTlv(qrCode);
      expect(fields.map((f) => f.tag)).toEqual(['00', '26']);
      expect(fields[0].value).toBe('01');
      const template = decodeTlv(String(fields[1].value));
      expect(template).toEqual([
        { tag: '00', value: PROVIDER_ID },
        { tag: '01', value: tranId },
      ]);
      expect(parseMerchantQr(qrCode)).toMatchObject({ providerId: PROVIDER_ID, tranId });
    });

    it('ELECTRUM_MERCHANT_MINIMAL when asked for explicitly: the same payload', async () => {
      const res = await create(aCreateQrCodeRequest({ qrProperties: { scheme: 'ELECTRUM_MERCHANT_MINIMAL' } }));
      expect(res.status).toBe(201);
      expect(res.body.qrCode).toBe(`00020126500010${PROVIDER_ID}0132${res.body.tranId}`);
    });

    it('EMVCO_MERCHANT: 52/53/54/58/59/60 from the request and a valid CRC', async () => {
      const request = aCreateQrCodeRequest({
        qrProperties: { scheme: 'EMVCO_MERCHANT', value: { amount: 12_550, currency: '710' } },
      });
      const res = await create(request);
      expect(res.status).toBe(201);
      const { tranId, qrCode } = res.body as { tranId: string; qrCode: string };
      expect(res.body.qrProperties.scheme).toBe('EMVCO_MERCHANT');

      // docs/protocol.md §4: 000201, then the merchant account template.
      expect(qrCode.startsWith(`00020126${String(4 + PROVIDER_ID.length + 4 + 32)}`)).toBe(true);
      const tags = rootTags(qrCode);
      expect(tags.get('52')).toBe('5411');
      expect(tags.get('53')).toBe('710');
      expect(tags.get('54')).toBe('125.50');
      expect(tags.get('58')).toBe('ZA');
      expect(tags.get('59')).toBe('Demo Store');
      expect(tags.get('60')).toBe('Cape Town');
      expect(decodeTlv(tags.get('26') as string)).toEqual([
        { tag: '00', value: PROVIDER_ID },
        { tag: '01', value: tranId },
      ]);

      // Tag 63 comes last and covers everything before it, "6304" included.
      const fields = decodeTlv(qrCode);
      expect(fields[fields.length - 1].tag).toBe('63');
      expect(qrCode).toMatch(/6304[0-9A-F]{4}$/);
      expect(verifyCrc(qrCode)).toBe(true);
      expect(crc16('123456789')).toBe('29B1');
      expect(qrCode.slice(-4)).toBe(crc16(qrCode.slice(0, -4)));
      expect(parseMerchantQr(qrCode)).toMatchObject({ providerId: PROVIDER_ID, tranId });
    });

    it.each([
      [5, '0.05'],
      [100, '1.00'],
      [799_95, '799.95'],
      [1_000_000, '10000.00'],
    ])('EMVCO_MERCHANT amount %d → tag 54 "%s"', async (amount, text) => {
      const res = await create(
        aCreateQrCodeRequest({ qrProperties: { scheme: 'EMVCO_MERCHANT', value: { amount, currency: '710' } } }),
      );
      expect(res.status).toBe(201);
      expect(rootTags(res.body.qrCode).get('54')).toBe(text);
      expect(verifyCrc(res.body.qrCode)).toBe(true);
    });

    it('EMVCO_MERCHANT without an amount has no tag 54', async () => {
      const res = await create(
        aCreateQrCodeRequest({ amounts: undefined, qrProperties: { scheme: 'EMVCO_MERCHANT', value: undefined } }),
      );
      expect(res.status).toBe(201);
      const tags = rootTags(res.body.qrCode);
      expect(tags.has('54')).toBe(false);
      for (const tag of ['52', '53', '58', '59', '60', '63']) expect(tags.has(tag)).toBe(true);
      expect(verifyCrc(res.body.qrCode)).toBe(true);
    });

    it('EMVCO_MERCHANT with amounts.requestAmount but no qrProperties.value has no tag 54 (docs/protocol.md §4), and 53 from it', async () => {
      const res = await create(
        aCreateQrCodeRequest({
          amounts: { requestAmount: { amount: 4_200, currency: '710' } },
          qrProperties: { scheme: 'EMVCO_MERCHANT', value: undefined },
        }),
      );
      expect(res.status).toBe(201);
      const tags = rootTags(res.body.qrCode);
      expect(tags.has('54')).toBe(false);
      expect(tags.get('53')).toBe('710');
      expect(verifyCrc(res.body.qrCode)).toBe(true);
    });

    it('EMVCO_MERCHANT with a non-ASCII merchant name still has a valid CRC and character-counted lengths', async () => {
      const res = await create(
        aCreateQrCodeRequest({
          qrProperties: { scheme: 'EMVCO_MERCHANT' },
          originator: { merchant: { merchantName: { name: 'Café Ümlaut', city: 'Køge' } } },
        }),
      );
      expect(res.status).toBe(201);
      const tags = rootTags(res.body.qrCode);
      expect(tags.get('59')).toBe('Café Ümlaut');
      expect(tags.get('60')).toBe('Køge');
      expect(res.body.qrCode.slice(-4)).toBe(crc16(res.body.qrCode.slice(0, -4)));
    });

    // A request the validator accepted must not become a 500 (an *unknown* outcome, docs/protocol.md §2):
    // what cannot be encoded as EMVCo is the request's fault, a 400.
    it.each(['EMVCO_MERCHANT', 'PSEUDO_EMVCO_MERCHANT'])(
      '%s with an amount too long for tag 54 (10^13 minor units) → 400, not 500',
      async (scheme) => {
        const res = await create(
          aCreateQrCodeRequest({ qrProperties: { scheme, value: { amount: 10 ** 13, currency: '710' } } }),
        );
        expectErrorDetail(res, 400, res.body.errorType === 'INVALID_AMOUNT' ? 'INVALID_AMOUNT' : 'FORMAT_ERROR');
      },
    );

    it.each(['EMVCO_MERCHANT', 'PSEUDO_EMVCO_MERCHANT'])(
      '%s with a merchant country that is not ISO alpha-2 ("Z1") → 400, not 500',
      async (scheme) => {
        const res = await create(
          aCreateQrCodeRequest({
            qrProperties: { scheme },
            originator: { merchant: { merchantName: { country: 'Z1' } } },
          }),
        );
        expectErrorDetail(res, 400, 'FORMAT_ERROR');
      },
    );
  });

  describe('expiry', () => {
    it('echoes a given future expiryDate exactly and stores it', async () => {
      const at = Date.now() + 3_600_000;
      const expiryDate = sastText(at - (at % 1000));
      const request = aCreateQrCodeRequest({ qrProperties: { expiryDate } });
      const res = await create(request);
      expect(res.status).toBe(201);
      expect(res.body.qrProperties.expiryDate).toBe(expiryDate);
      const [row] = await qrRows(request.id);
      expect(Number(row.expires_at)).toBe(Date.parse(expiryDate));
    });

    it('echoes a UTC expiryDate with milliseconds exactly', async () => {
      const expiryDate = new Date(Date.now() + 120_000).toISOString();
      const res = await create(aCreateQrCodeRequest({ qrProperties: { expiryDate } }));
      expect(res.status).toBe(201);
      expect(res.body.qrProperties.expiryDate).toBe(expiryDate);
    });

    it('without expiryDate: the default TTL of 300 s, echoed as RFC 3339', async () => {
      const request = aCreateQrCodeRequest({ qrProperties: { expiryDate: undefined } });
      const before = Date.now();
      const res = await create(request);
      const after = Date.now();
      expect(res.status).toBe(201);
      const echoed = res.body.qrProperties.expiryDate as string;
      expect(typeof echoed).toBe('string');
      expect(echoed).toMatch(RFC3339);
      expect(Date.parse(echoed)).toBeGreaterThanOrEqual(before + DEFAULT_TTL_MS - 1000);
      expect(Date.parse(echoed)).toBeLessThanOrEqual(after + DEFAULT_TTL_MS + 1000);

      const [row] = await qrRows(request.id);
      expect(Number(row.expires_at) - Number(row.created_at)).toBe(DEFAULT_TTL_MS);
      expect(Number(row.expires_at)).toBe(Date.parse(echoed));
    });

    it.each([
      ['an hour ago', () => new Date(Date.now() - 3_600_000).toISOString()],
      ['a second ago', () => new Date(Date.now() - 1000).toISOString()],
      ['in 2001, with an offset', () => '2001-01-01T00:00:00+02:00'],
    ])('an expiryDate in the past (%s) → 400 FORMAT_ERROR, nothing stored', async (_label, expiry) => {
      const request = aCreateQrCodeRequest({ qrProperties: { expiryDate: expiry() } });
      const res = await create(request);
      const violations = expectViolations(res);
      expect(res.body.id).toBe(request.id);
      expect(violations.map((v) => v.field)).toContain('qrProperties.expiryDate');
      expect(await qrRows(request.id)).toHaveLength(0);
    });
  });

  describe('expiry that is not a real date-time', () => {
    // RFC 3339 §5.7: the day must exist in the month. Accepting 30 February would
    // echo one expiry to the retailer and enforce another (JS rolls it into March).
    it.each(['2099-02-30T12:00:00Z', '2099-04-31T12:00:00+02:00'])(
      'expiryDate %s → 400 FORMAT_ERROR, nothing stored',
      async (expiryDate) => {
        const request = aCreateQrCodeRequest({ qrProperties: { expiryDate } });
        const res = await create(request);
        const violations = expectViolations(res);
        expect(violations.map((v) => v.field)).toContain('qrProperties.expiryDate');
        expect(await qrRows(request.id)).toHaveLength(0);
      },
    );
  });

  describe('duplicate request id → 400 DUPLICATE_RECORD', () => {
    it('the same retailer reusing an id', async () => {
      const request = aCreateQrCodeRequest();
      const first = await create(request);
      expect(first.status).toBe(201);
      const again = await create({ ...request, time: new Date().toISOString() });
      const body = expectErrorDetail(again, 400, 'DUPLICATE_RECORD');
      expect(body.id).toBe(request.id);
      const rows = await qrRows(request.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].tran_id).toBe(first.body.tranId);
    });

    it('another retailer reusing the id', async () => {
      const request = aCreateQrCodeRequest();
      expect((await create(request)).status).toBe(201);
      const other = {
        ...request,
        client: { id: OTHER_RETAILER.id, name: 'Other Retailer' },
        originator: { ...request.originator, institution: { id: OTHER_RETAILER.id, name: 'Other Retailer' } },
      };
      expectErrorDetail(await create(other, OTHER_RETAILER), 400, 'DUPLICATE_RECORD');
      const rows = await qrRows(request.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].client_id).toBe(RETAILER.id);
    });

    it('20 parallel requests with one id: exactly one 201, the rest DUPLICATE_RECORD', async () => {
      const request = aCreateQrCodeRequest();
      const responses = await Promise.all(Array.from({ length: 20 }, () => create(request)));
      const created = responses.filter((r) => r.status === 201);
      const duplicates = responses.filter((r) => r.status !== 201);
      expect(created).toHaveLength(1);
      expect(duplicates).toHaveLength(19);
      for (const res of duplicates) expectErrorDetail(res, 400, 'DUPLICATE_RECORD');
      const rows = await qrRows(request.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].tran_id).toBe(created[0].body.tranId);
    });
  });

  describe('what is stored', () => {
    it('the QR record: client, terminal, merchant, amount, currency, flags, expiry', async () => {
      const expiryDate = new Date(Date.now() + 600_000).toISOString();
      const request = aCreateQrCodeRequest({
        qrProperties: {
          value: { amount: 4_321, currency: '710' },
          singleUse: true,
          overPaymentAllowed: true,
          partPaymentAllowed: false,
          expiryDate,
        },
      });
      const res = await create(request);
      expect(res.status).toBe(201);

      const rows = await qrRows(request.id);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.tran_id).toBe(res.body.tranId);
      expect(row.client_id).toBe(RETAILER.id);
      expect(row.terminal_id).toBe('TERM0001');
      expect(row.merchant_id).toBe('MERCHANT0000001');
      expect(Number(row.amount)).toBe(4_321);
      expect(row.currency).toBe('710');
      expect(Boolean(row.single_use)).toBe(true);
      expect(Boolean(row.over_payment_allowed)).toBe(true);
      expect(Boolean(row.part_payment_allowed)).toBe(false);
      expect(Number(row.expires_at)).toBe(Date.parse(expiryDate));
      expect(row.qr_code).toBe(res.body.qrCode);
    });

    it('a single-use flag of false is stored as false', async () => {
      const request = aCreateQrCodeRequest({ qrProperties: { singleUse: false } });
      expect((await create(request)).status).toBe(201);
      const [row] = await qrRows(request.id);
      expect(Boolean(row.single_use)).toBe(false);
    });

    it('an audit row for an accepted request: IN, createQrCode, 201', async () => {
      const request = aCreateQrCodeRequest();
      const res = await create(request);
      expect(res.status).toBe(201);
      const rows = await auditRows(request.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        direction: 'IN',
        operation: 'createQrCode',
        message_id: request.id,
        tran_id: res.body.tranId,
        institution_id: RETAILER.id,
      });
      expect(Number(rows[0].http_status)).toBe(201);
    });

    it('an audit row for a rejected request: IN, createQrCode, 400', async () => {
      const request = aCreateQrCodeRequest({ originator: { terminalId: 'SHORT' } });
      expectViolations(await create(request));
      const rows = await auditRows(request.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ direction: 'IN', operation: 'createQrCode', outcome: 'FORMAT_ERROR' });
      expect(Number(rows[0].http_status)).toBe(400);
    });

    it('audit rows for a duplicate: the 201 and then the 400 DUPLICATE_RECORD', async () => {
      const request = aCreateQrCodeRequest();
      expect((await create(request)).status).toBe(201);
      expectErrorDetail(await create(request), 400, 'DUPLICATE_RECORD');
      const rows = await auditRows(request.id);
      expect(rows.map((r) => [r.operation, Number(r.http_status)])).toEqual([
        ['createQrCode', 201],
        ['createQrCode', 400],
      ]);
      expect(rows[1].outcome).toBe('DUPLICATE_RECORD');
    });
  });
});

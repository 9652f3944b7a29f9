import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createTestApp, TestApp } from '../utils/create-test-app';

/*
 * The OpenAPI document the hub serves at /docs-json is generated from the code
 * (controllers + the DTOs' validation decorators). This suite holds it against
 * the interface model, so code that drifts from the interface fails here
 * rather than in a retailer's integration.
 */
/** The interface's operations, status codes and message models (see the file's header). */
const INTERFACE = join(__dirname, '..', 'fixtures', 'electrum-qr-payment-interface-1.7.0.yaml');
const OPERATIONS = ['createQrCode', 'pay', 'confirmPayment', 'reversePayment', 'notifyScan'];

/** Status codes the hub answers on every operation that the interface does not list (docs/protocol.md §2, §3). */
const EXTRA_STATUS_CODES = ['401', '403', '413', '415', '429'];

const free = (path: string) => `${path} maxLength: - → 256`;
const uuid = (path: string) => `${path} format: - → uuid`;
const tranIdBounds = (path: string) => [`${path} minLength: - → 1`, `${path} maxLength: - → 64`];

/**
 * Every deliberate difference between the interface and the hub, as the
 * comparison below words it (`<where> <keyword>: <interface> → <hub>`).
 * Anything not listed fails the test, and so does a listed entry that no
 * longer occurs, so this list stays the exact truth.
 */
const ALLOWED_DIFFERENCES: string[] = [
  // decisions.md "Message ids must be UUIDs": the interface describes them as UUIDs in prose only.
  ...['CreateQrCodeRequest.id', 'PaymentRequest.id', 'ScanNotification.id'].map(uuid),
  ...['PaymentConfirmation.id', 'PaymentConfirmation.requestId'].map(uuid),
  ...['PaymentReversal.id', 'PaymentReversal.requestId'].map(uuid),
  ...['CreateQrCodeResponse.id', 'PaymentResponse.id'].map(uuid),
  // decisions.md "Free-text fields without a swagger limit are capped at 256 characters".
  ...['Institution.id', 'ThirdPartyIdentifier.institutionId', 'ThirdPartyIdentifier.transactionIdentifier'].map(free),
  ...[
    'CreateQrCodeRequest.rrn',
    'CreateQrCodeRequest.stan',
    'CreateQrCodeResponse.rrn',
    'CreateQrCodeResponse.stan',
  ].map(free),
  ...['PaymentRequest.basketRef', 'PaymentRequest.rrn', 'PaymentRequest.stan'].map(free),
  ...['PaymentResponse.basketRef', 'PaymentResponse.rrn', 'PaymentResponse.stan'].map(free),
  ...['PaymentConfirmation.rrn', 'PaymentConfirmation.stan', 'PaymentReversal.rrn', 'PaymentReversal.stan'].map(free),
  ...['QrProperties.uuid', 'Customer.status', 'Customer.profileId'].map(free),
  ...['Barcode.data', 'Barcode.encoding', 'SlipLine.text'].map(free),
  // The partner's token is a secret we store and forward: bounded so a hostile scan cannot make it huge.
  'PaymentRequest.partnerPaymentToken maxLength: - → 512',
  'PaymentResponse.partnerPaymentToken maxLength: - → 512',
  'ScanNotification.partnerPaymentToken maxLength: - → 512',
  // tranId: the hub issues 32 hex characters (docs/protocol.md §4); 1..64 leaves room for other providers' ids.
  ...[
    'CreateQrCodeResponse.tranId',
    'PaymentRequest.tranId',
    'PaymentResponse.tranId',
    'PaymentConfirmation.tranId',
    'PaymentReversal.tranId',
    'ScanNotification.tranId',
  ].flatMap(tranIdBounds),
  // decisions.md: date-times are at most 64 characters (expiryDate is kept as sent in a column of that size).
  ...['CreateQrCodeRequest', 'CreateQrCodeResponse', 'PaymentRequest', 'PaymentResponse', 'ScanNotification']
    .concat(['PaymentConfirmation', 'PaymentReversal'])
    .map((message) => `${message}.time maxLength: - → 64`),
  'Customer.dateOfBirth maxLength: - → 64',
  // RFC 5322 addresses longer than SMTP can carry (254) are refused.
  'Customer.emailAddress maxLength: - → 254',
  // docs/protocol.md §4 / decisions.md: expiryDate is the RFC 3339 string the interface's prose describes,
  // not the Java OffsetDateTime object its model was generated from.
  'QrProperties.expiryDate schema: OffsetDateTime → string (date-time)',
  // docs/protocol.md §2: the interface caps ErrorDetail.id at 20 while calling it a UUID; the hub echoes the
  // request's id (≤ 64 characters) or sends a fresh UUID (36).
  'ErrorDetail.id maxLength: 20 → 64',
  'ErrorDetail.originalId maxLength: - → 64',
  'ErrorDetail.tranId maxLength: - → 64',
  // docs/protocol.md §2: detailMessage of a FORMAT_ERROR is an array of violations, as Electrum's servers send.
  'ErrorDetail.detailMessage type: object → -',
  'ErrorDetail.detailMessage oneOf: - → [array of FieldViolation, object]',
  // Every non-2xx answer carries an ErrorDetail (docs/protocol.md §2), also the reversal's 404.
  'reversePayment 404 schema: - → ErrorDetail',
];

type Schema = Record<string, unknown>;
type Document = Record<string, unknown>;

/** Looks up a `$ref` (`#/definitions/X` or `#/components/schemas/X`) by its last segment. */
function definitions(doc: Document, yaml: boolean): Record<string, Schema> {
  if (yaml) return doc.definitions as Record<string, Schema>;
  return (doc.components as { schemas: Record<string, Schema> }).schemas;
}

const refName = (schema: Schema | undefined): string | undefined =>
  typeof schema?.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;

/** The yaml's patterns are unanchored, ours anchored; both must match the whole value. */
const normalisePattern = (p: unknown) => (typeof p === 'string' ? p.replace(/^\^/, '').replace(/\$$/, '') : p);
/** JSON has no integer widths; only formats that constrain a string's content are compared. */
const normaliseFormat = (f: unknown) => (f === 'date-time' || f === 'email' || f === 'uuid' ? f : undefined);
/** `minLength: 0` says nothing. */
const normaliseMinLength = (n: unknown) => (n === 0 ? undefined : n);
const show = (v: unknown): string => (v === undefined ? '-' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
/** A schema in a few words: its definition name, or its type and format. */
const summarise = (s: Schema | undefined): string | undefined =>
  refName(s) ?? (s?.type === undefined ? undefined : `${show(s.type)}${s.format ? ` (${show(s.format)})` : ''}`);

class SchemaComparison {
  readonly differences: string[] = [];
  private readonly compared = new Set<string>();

  constructor(
    private readonly iface: Record<string, Schema>,
    private readonly hub: Record<string, Schema>,
  ) {}

  compare(theirs: Schema | undefined, ours: Schema | undefined, where: string): void {
    const [theirRef, ourRef] = [refName(theirs), refName(ours)];
    if (theirRef || ourRef) {
      if (theirRef !== ourRef) return this.differ(where, 'schema', summarise(theirs), summarise(ours));
      if (this.compared.has(theirRef as string)) return;
      this.compared.add(theirRef as string);
      return this.compare(this.iface[theirRef as string], this.hub[theirRef as string], theirRef as string);
    }
    const t = theirs ?? {};
    const o = ours ?? {};
    this.same(where, 'type', t.type, o.type);
    this.same(where, 'format', normaliseFormat(t.format), normaliseFormat(o.format));
    this.same(where, 'enum', sorted(t.enum), sorted(o.enum));
    this.same(where, 'pattern', normalisePattern(t.pattern), normalisePattern(o.pattern));
    this.same(where, 'minLength', normaliseMinLength(t.minLength), normaliseMinLength(o.minLength));
    this.same(where, 'maxLength', t.maxLength, o.maxLength);
    this.same(where, 'required', sorted(t.required), sorted(o.required));
    this.same(where, 'oneOf', describeOneOf(t.oneOf), describeOneOf(o.oneOf));
    const [tp, op] = [(t.properties ?? {}) as Record<string, Schema>, (o.properties ?? {}) as Record<string, Schema>];
    for (const key of new Set([...Object.keys(tp), ...Object.keys(op)])) {
      if (!(key in op)) this.differences.push(`${where}.${key}: missing in the hub`);
      else if (!(key in tp)) this.differences.push(`${where}.${key}: not in the interface`);
      else this.compare(tp[key], op[key], `${where}.${key}`);
    }
    if (t.items || o.items) this.compare(t.items as Schema, o.items as Schema, `${where}[]`);
    if (typeof t.additionalProperties === 'object' || typeof o.additionalProperties === 'object') {
      this.compare(t.additionalProperties as Schema, o.additionalProperties as Schema, `${where}{}`);
    }
  }

  differ(where: string, keyword: string, theirs: unknown, ours: unknown): void {
    this.differences.push(`${where} ${keyword}: ${show(theirs)} → ${show(ours)}`);
  }

  private same(where: string, keyword: string, theirs: unknown, ours: unknown): void {
    if (JSON.stringify(theirs) !== JSON.stringify(ours)) this.differ(where, keyword, theirs, ours);
  }
}

function sorted(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as string[])].sort() : value;
}

function describeOneOf(options: unknown): string[] | undefined {
  if (!Array.isArray(options)) return undefined;
  return (options as Schema[]).map((s) =>
    s.type === 'array' ? `array of ${refName(s.items as Schema) ?? show((s.items as Schema)?.type)}` : show(s.type),
  );
}

interface Operation {
  path: string;
  method: string;
  op: Schema;
}

function operationsOf(doc: Document, basePath: string): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(methods)) {
      if (typeof op.operationId === 'string') found.set(op.operationId, { path: basePath + path, method, op });
    }
  }
  return found;
}

const yamlBody = (op: Schema) => ((op.parameters as Schema[]).find((p) => p.in === 'body') as Schema).schema as Schema;
const hubBody = (op: Schema) => jsonContent(op.requestBody as Schema);
const jsonContent = (holder: Schema | undefined) =>
  (holder?.content as Record<string, Schema> | undefined)?.['application/json']?.schema as Schema | undefined;

/** Request and response schemas of the five operations, compared through every $ref; sorted. */
function differences(iface: Document, ours: Document): string[] {
  const comparison = new SchemaComparison(definitions(iface, true), definitions(ours, false));
  const [theirs, mine] = [operationsOf(iface, ''), operationsOf(ours, '')];
  for (const id of OPERATIONS) {
    const [t, o] = [theirs.get(id)?.op as Schema, mine.get(id)?.op as Schema];
    comparison.compare(yamlBody(t), hubBody(o), `${id} body`);
    for (const [code, response] of Object.entries(t.responses as Record<string, Schema>)) {
      const ourResponse = (o.responses as Record<string, Schema>)[code];
      comparison.compare(response.schema as Schema | undefined, jsonContent(ourResponse), `${id} ${code}`);
    }
  }
  return comparison.differences.sort();
}

describe('OpenAPI contract: /docs-json against the interface 1.7.0 swagger', () => {
  let hub: TestApp;
  let ours: Document;
  const iface = parse(readFileSync(INTERFACE, 'utf8')) as Document;

  beforeAll(async () => {
    hub = await createTestApp();
    const res = await hub.raw().get('/docs-json').expect(200);
    ours = res.body as Document;
  });
  afterAll(() => hub.close());

  it('serves the Swagger UI at /docs without credentials', async () => {
    const res = await hub.raw().get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('has the five operations at the same paths and methods, Basic auth, JSON bodies', () => {
    const theirs = operationsOf(iface, iface.basePath as string);
    const mine = operationsOf(ours, '');
    for (const id of OPERATIONS) {
      const [t, o] = [theirs.get(id), mine.get(id)];
      expect({ id, path: o?.path, method: o?.method }).toEqual({ id, path: t?.path, method: t?.method });
      expect(o?.op.security).toEqual([{ httpBasic: [] }]);
      expect(Object.keys((o?.op.requestBody as Schema).content as Schema)).toEqual(['application/json']);
    }
  });

  it.each(OPERATIONS)('%s answers the status codes of the interface (plus the gate answers)', (id) => {
    const t = operationsOf(iface, '').get(id)?.op as Schema;
    const o = operationsOf(ours, '').get(id)?.op as Schema;
    const codes = (op: Schema) => Object.keys(op.responses as Schema).sort();
    expect(codes(o)).toEqual([...codes(t), ...EXTRA_STATUS_CODES].sort());
  });

  it('differs from the interface in request and response schemas only where decided', () => {
    expect(differences(iface, ours)).toEqual([...ALLOWED_DIFFERENCES].sort());
  });

  it('would notice drift: a changed rule anywhere in the hub shows up as a difference', () => {
    const drifted = structuredClone(ours);
    const schemas = definitions(drifted, false);
    const props = (name: string) => schemas[name].properties as Record<string, Schema>;
    schemas.PaymentRequest.required = (schemas.PaymentRequest.required as string[]).filter((f) => f !== 'tranId');
    props('LedgerAmount').currency.pattern = '^[0-9]{2}$';
    props('QrProperties').scheme.enum = ['EMVCO_MERCHANT'];
    props('Tender').reference.maxLength = 41;
    delete props('Originator').operatorId;
    props('MerchantName').city.type = 'integer';
    const found = differences(iface, drifted).filter((d) => !ALLOWED_DIFFERENCES.includes(d));
    expect(found).toEqual([
      'LedgerAmount.currency pattern: [0-9]{3} → [0-9]{2}',
      'MerchantName.city type: string → integer',
      'Originator.operatorId: missing in the hub',
      'PaymentRequest required: [amounts, client, id, originator, thirdPartyIdentifiers, time, tranId] → ' +
        '[amounts, client, id, originator, thirdPartyIdentifiers, time]',
      'QrProperties.scheme enum: [ELECTRUM_MERCHANT_MINIMAL, EMVCO_MERCHANT, PSEUDO_EMVCO_MERCHANT] → [EMVCO_MERCHANT]',
      'Tender.reference maxLength: 40 → 41',
    ]);
  });

  it('names the component schemas as the interface does (no *Dto leftovers)', () => {
    const names = Object.keys(definitions(ours, false));
    expect(names.filter((n) => n.endsWith('Dto'))).toEqual([]);
    const missing = names.filter((n) => !(n in definitions(iface, true)));
    // FieldViolation: docs/protocol.md §2's detailMessage entries, which the interface types loosely as "object".
    expect(missing).toEqual(['FieldViolation']);
  });
});

import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { contractSchemas } from '@app/docs/contract-schemas';
import { expectViolations } from '../factories/error-detail.matcher';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aPaymentReversal,
  aScanNotification,
} from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { HubStore } from '../utils/lifecycle-db';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';

/**
 * Every stored string is bounded by validation to its column: each string
 * field of each protocol message that has a maximum length is sent at that
 * length (never a 500, never a FORMAT_ERROR) and one character past it (400
 * FORMAT_ERROR naming the field). The fields come from the schemas the hub
 * publishes, so a new field is covered without touching this file. Runs on
 * SQLite and PostgreSQL; PostgreSQL refuses a value longer than its
 * `varchar(n)` column, which is where a missing bound used to show as a 500.
 */

type Json = Record<string, unknown>;
type Auth = { id: string; password: string };
interface Operation {
  message: string;
  path: string;
  auth: Auth;
  /** What `build` refers to: a fresh QR code's tranId, or the id of a payment the partner approved. */
  refersTo: 'qrCode' | 'approvedPayment';
  build: (ref: string) => object;
}

const OPERATIONS: Operation[] = [
  {
    message: 'CreateQrCodeRequest',
    path: '/qr/v1/qrCodes',
    auth: RETAILER,
    refersTo: 'qrCode',
    build: () => aCreateQrCodeRequest(),
  },
  {
    message: 'PaymentRequest',
    path: '/qr/v1/payments',
    auth: RETAILER,
    refersTo: 'qrCode',
    build: (t: string) => aPaymentRequest(t),
  },
  {
    message: 'ScanNotification',
    path: '/qr/v1/scans',
    auth: WALLET,
    refersTo: 'qrCode',
    build: (t: string) => aScanNotification(t, WALLET.id),
  },
  // Advices about an approved payment: at their maximum they are stored (202), not answered 404 first.
  {
    message: 'PaymentConfirmation',
    path: '/qr/v1/payments/confirmations',
    auth: RETAILER,
    refersTo: 'approvedPayment',
    build: (paymentId: string) => aPaymentConfirmation(paymentId),
  },
  {
    message: 'PaymentReversal',
    path: '/qr/v1/payments/reversals',
    auth: RETAILER,
    refersTo: 'approvedPayment',
    build: (paymentId: string) => aPaymentReversal(paymentId),
  },
];

/** Objects a path may need that the example messages leave out: just their required fields. */
const MINIMAL: Record<string, Json> = {
  Institution: { id: 'x', name: 'x' },
  ThirdPartyIdentifier: { institutionId: 'x', transactionIdentifier: 'x' },
  SlipData: {},
  SlipLine: { text: 'x' },
  Barcode: { data: 'x', encoding: 'x' },
  Customer: {},
  Address: {},
};

/*
 * The Basic-auth username must equal these (docs/protocol.md §3), and that is checked
 * before the message is validated: any other value is 403, at or past its
 * maximum. Ids in the config are bounded to the same 256 characters.
 */
const IDENTITY_FIELDS = new Set([
  'CreateQrCodeRequest client.id',
  'PaymentRequest client.id',
  'ScanNotification partner.id',
]);

interface StringField {
  /** Property names and array indexes from the message root. */
  path: Array<string | number>;
  /** The schema name of each object on the way (for MINIMAL). */
  objects: string[];
  schema: SchemaObject;
}

const schemas = contractSchemas();
const refName = (s: SchemaObject | { $ref: string }): string | undefined =>
  '$ref' in s ? s.$ref.split('/').pop() : s.allOf?.[0] && '$ref' in s.allOf[0] ? refName(s.allOf[0]) : undefined;

const stringFields = (name: string): StringField[] => allStrings(name).filter((f) => f.schema.maxLength !== undefined);

function allStrings(
  name: string,
  path: Array<string | number> = [],
  objects: string[] = [],
  seen = new Set<string>(),
): StringField[] {
  if (seen.has(name)) return [];
  const found: StringField[] = [];
  for (const [key, property] of Object.entries(schemas[name].properties ?? {})) {
    const own = property as SchemaObject;
    const ref = refName(own);
    if (ref) found.push(...allStrings(ref, [...path, key], [...objects, ref], new Set([...seen, name])));
    else if (own.type === 'array' && own.items && refName(own.items)) {
      const item = refName(own.items) as string;
      found.push(...allStrings(item, [...path, key, 0], [...objects, item], new Set([...seen, name])));
    } else if (own.type === 'string') found.push({ path: [...path, key], objects, schema: own });
  }
  return found;
}

const dotted = (path: Array<string | number>): string =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

/** A valid value of exactly `length` characters for the field. */
function valueOf(field: StringField, length: number): string {
  const { schema } = field;
  if (schema.format === 'email') {
    // 64 characters before the @ (the most SMTP allows), labels of at most 50 after it.
    const labels = length - 64 - 1 - '.com'.length;
    let domain = '';
    while (domain.length < labels)
      domain += domain ? `.${'d'.repeat(Math.min(50, labels - domain.length - 1))}` : 'd'.repeat(50);
    return `${'a'.repeat(64)}@${domain}.com`;
  }
  if (schema.format === 'date-time') return `2099-12-31T23:59:59.${'1'.repeat(length - 21)}Z`;
  return 'x'.repeat(length);
}

/** The message with `value` at the field's path, creating what the path needs on the way. */
function withValue(message: object, field: StringField, value: string): Json {
  const copy = JSON.parse(JSON.stringify(message)) as Json;
  let node: Json | unknown[] = copy;
  let objectIndex = 0;
  field.path.forEach((key, i) => {
    const container = node as Record<string | number, unknown>;
    if (i === field.path.length - 1) return void (container[key] = value);
    const nextIsIndex = typeof field.path[i + 1] === 'number';
    if (container[key] === undefined) {
      container[key] = nextIsIndex ? [] : { ...MINIMAL[field.objects[objectIndex]] };
      if (!nextIsIndex && !MINIMAL[field.objects[objectIndex]])
        throw new Error(`add ${field.objects[objectIndex]} to MINIMAL`);
    }
    if (!nextIsIndex) objectIndex++;
    node = container[key] as Json;
  });
  return copy;
}

describe('every stored string is bounded by validation to its column', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let store: HubStore;

  beforeAll(async () => {
    partner = await startPartnerServer();
    hub = await createTestApp({ scanWaitMs: 50, walletBaseUrl: partner.baseUrl, walletCaFile: partner.caFile });
    store = new HubStore(hub);
  });
  afterAll(async () => {
    await hub?.close();
    await partner?.close();
  });

  /** A fresh QR code, so a pay at the limit is really stored (and then ends without a scan). */
  async function freshTranId(): Promise<string> {
    const res = await hub.post('/qr/v1/qrCodes', aCreateQrCodeRequest(), RETAILER);
    expect(res.status).toBe(201);
    return res.body.tranId as string;
  }

  /** A payment routed straight to wallet-a (a real HTTPS partner) and approved by it. */
  async function approvedPaymentId(): Promise<string> {
    const body = aPaymentRequest(await freshTranId(), { partner: { id: WALLET.id, name: 'Wallet A' } });
    const res = await hub.post('/qr/v1/payments', body, RETAILER);
    expect(res.status).toBe(201);
    return body.id;
  }

  it('every string field of every message has a maximum length, an enum or a fixed pattern', () => {
    const unbounded = OPERATIONS.flatMap((op) =>
      allStrings(op.message)
        .filter(
          (f) => f.schema.maxLength === undefined && !f.schema.enum && !f.schema.pattern && f.schema.format !== 'uuid',
        )
        .map((f) => `${op.message}.${dotted(f.path)}`),
    );
    expect(unbounded).toEqual([]);
    for (const op of OPERATIONS) expect(stringFields(op.message).length).toBeGreaterThan(5);
  });

  it.each(OPERATIONS.map((op) => [op.message, op] as const))(
    '%s: each field at its maximum and one past it',
    async (_name, op) => {
      // One approved payment takes every advice: after the first, the rest are accepted and stored with no effect.
      const paymentId = op.refersTo === 'approvedPayment' ? await approvedPaymentId() : undefined;
      const ref = async () => paymentId ?? (await freshTranId());
      for (const field of stringFields(op.message)) {
        const name = dotted(field.path);
        const max = field.schema.maxLength as number;
        const base = op.build(await ref());

        expect(valueOf(field, max)).toHaveLength(max);
        const message = withValue(base, field, valueOf(field, max));
        const atMax = await hub.post(op.path, message, op.auth);
        expect({ field: name, status: atMax.status, errorType: atMax.body.errorType }).toEqual({
          field: name,
          status: atMax.status < 500 ? atMax.status : 'not a 5xx',
          errorType: atMax.body.errorType === 'FORMAT_ERROR' ? 'not FORMAT_ERROR' : atMax.body.errorType,
        });
        if (op.refersTo === 'approvedPayment') {
          const advice = await store.advice(message.id as string);
          expect({ field: name, status: atMax.status, stored: advice?.body }).toEqual({
            field: name,
            status: 202,
            stored: message,
          });
        }

        const past = await hub.post(op.path, withValue(op.build(await ref()), field, valueOf(field, max + 1)), op.auth);
        if (IDENTITY_FIELDS.has(`${op.message} ${name}`)) {
          expect({ field: name, status: past.status }).toEqual({ field: name, status: 403 });
          continue;
        }
        const violations = expectViolations(past);
        const reported = [...new Set(violations.map((v) => v.field))];
        expect({ field: name, reported }).toEqual({ field: name, reported: [name] });
      }
    },
  );
});

import { code as currencyByCode, number as currencyByNumber } from 'currency-codes';
import { FormatError } from '@app/errors/hub-error';
import { STORED_PHASES, type StoredPhase } from '@app/lifecycle/payment-states';

/**
 * Where a page of the newest-first list starts: strictly older than this
 * payment (the `next` page), or strictly newer (`newer`: the page before).
 */
export interface PageCursor {
  createdAt: number;
  id: string;
  newer: boolean;
}

/**
 * What the transaction list is asked for (`GET /admin/v1/payments`, the
 * console's home page): every filter optional, all of them together (AND).
 */
export interface PaymentFilter {
  phases: StoredPhase[];
  partner: string | null;
  /** The payment's client_id. */
  retailer: string | null;
  terminal: string | null;
  /** ISO 4217 numeric code, as payments store it ('710'). */
  currency: string | null;
  minAmount: number | null;
  maxAmount: number | null;
  /** created_at ≥ from (epoch ms). */
  from: number | null;
  /** created_at < to (epoch ms). */
  to: number | null;
  /** Any id of a transaction (tranId, payment id, upstream id, message ids…). */
  q: string | null;
  limit: number;
  cursor: PageCursor | null;
}

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 200;
/** Ids in the hub are at most 64 characters; client ids 256 (the columns' widths). */
const ID_MAX = 64;
const CLIENT_ID_MAX = 256;
/** Amounts are integers of minor units within what a bigint and a JS number both hold exactly. */
const AMOUNT_MAX = Number.MAX_SAFE_INTEGER;

/** A query string as Express parses it: a name may be absent, given once, or repeated. */
export type RawQuery = Record<string, unknown>;

export const NO_FILTER: PaymentFilter = {
  phases: [],
  partner: null,
  retailer: null,
  terminal: null,
  currency: null,
  minAmount: null,
  maxAmount: null,
  from: null,
  to: null,
  q: null,
  limit: LIST_LIMIT_DEFAULT,
  cursor: null,
};

/**
 * Reads the list's query parameters (`GET /admin/v1/payments`). Every value
 * is checked; anything wrong is a FormatError naming the parameter (400
 * FORMAT_ERROR), never a query that finds nothing by accident.
 */
export function parsePaymentQuery(query: RawQuery): PaymentFilter {
  const minAmount = amountParam(query, 'minAmount');
  const maxAmount = amountParam(query, 'maxAmount');
  const from = instantParam(query, 'from');
  const to = instantParam(query, 'to');
  return checked({
    phases: phasesParam(query.phase),
    partner: idParam(query, 'partner', CLIENT_ID_MAX),
    retailer: idParam(query, 'retailer', CLIENT_ID_MAX),
    terminal: idParam(query, 'terminal', ID_MAX),
    currency: currencyParam(single(query, 'currency')),
    minAmount,
    maxAmount,
    from,
    to,
    q: idParam(query, 'q', ID_MAX),
    limit: limitParam(single(query, 'limit')),
    cursor: cursorParam(single(query, 'cursor')),
  });
}

/** Checks that hold across parameters: a range that is the wrong way round finds nothing, so it is refused. */
export function checked(f: PaymentFilter): PaymentFilter {
  if (f.minAmount !== null && f.maxAmount !== null && f.minAmount > f.maxAmount) {
    throw new FormatError('minAmount is greater than maxAmount');
  }
  if (f.from !== null && f.to !== null && f.from >= f.to) throw new FormatError('from is not before to');
  return f;
}

/** One value of a parameter that may be given once: absent or empty → null. */
export function single(query: RawQuery, name: string): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new FormatError(`${name} must be given once, as text`);
  if (value.includes('\u0000')) throw new FormatError(`${name} must not contain U+0000`);
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** `phase=APPROVED&phase=DECLINED` or `phase=APPROVED,DECLINED`. */
export function phasesParam(value: unknown): StoredPhase[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  const phases = new Set<StoredPhase>();
  for (const v of values) {
    if (typeof v !== 'string') throw new FormatError('phase must be text');
    for (const part of v.split(',')) {
      const name = part.trim().toUpperCase();
      if (!name) continue;
      if (!(STORED_PHASES as readonly string[]).includes(name)) {
        throw new FormatError(`phase must be one of ${STORED_PHASES.join(', ')}`);
      }
      phases.add(name as StoredPhase);
    }
  }
  return [...phases];
}

function idParam(query: RawQuery, name: string, max: number): string | null {
  const value = single(query, name);
  if (value !== null && value.length > max) throw new FormatError(`${name} is longer than ${max} characters`);
  return value;
}

/** A currency by its ISO 4217 numeric (`710`) or alphabetic (`ZAR`) code → the numeric code payments store. */
export function currencyParam(value: string | null): string | null {
  if (value === null) return null;
  const known = /^\d{3}$/.test(value) ? currencyByNumber(value) : currencyByCode(value.toUpperCase());
  if (!known) throw new FormatError('currency must be an ISO 4217 code, numeric (710) or alphabetic (ZAR)');
  return known.number;
}

function amountParam(query: RawQuery, name: string): number | null {
  const value = single(query, name);
  if (value === null) return null;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > AMOUNT_MAX) {
    throw new FormatError(`${name} must be a whole number of minor units (e.g. 1250 for 12.50)`);
  }
  return n;
}

/** An ISO 8601 instant with its offset or Z: `2026-12-04T18:00:00Z`, `2026-12-04T20:00+02:00`. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function instantParam(query: RawQuery, name: string): number | null {
  const value = single(query, name);
  if (value === null) return null;
  const ms = INSTANT.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    throw new FormatError(`${name} must be an ISO 8601 instant with its offset, e.g. 2026-12-04T18:00:00Z`);
  }
  return ms;
}

function limitParam(value: string | null): number {
  if (value === null) return LIST_LIMIT_DEFAULT;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= LIST_LIMIT_MAX))
    throw new FormatError(`limit must be a whole number from 1 to ${LIST_LIMIT_MAX}`);
  return n;
}

function cursorParam(value: string | null): PageCursor | null {
  if (value === null) return null;
  const cursor = decodeCursor(value);
  if (!cursor) throw new FormatError('cursor is not one this list gave out');
  return cursor;
}

/**
 * The cursor is opaque to callers: base64url of `o|n.<createdAt>.<id>` of the
 * payment the page ends (older) or starts (newer) at. Nothing in it is
 * trusted beyond its shape; it only bounds the next query.
 */
export function encodeCursor(c: PageCursor): string {
  return Buffer.from(`${c.newer ? 'n' : 'o'}.${c.createdAt}.${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): PageCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const match = /^([on])\.(\d{1,16})\.([\x21-\x7e]{1,64})$/.exec(decoded);
  if (!match) return null;
  const createdAt = Number(match[2]);
  return Number.isSafeInteger(createdAt) ? { createdAt, id: match[3], newer: match[1] === 'n' } : null;
}

/*
 * EMVCo merchant-presented QR "Tag-Length-Value" codec (docs/protocol.md §4).
 * Hand-written on purpose: no npm package does EMV merchant QR TLV well enough
 * (nested templates, character-counted lengths, CRC over UTF-8) for us to
 * depend on, and the whole format fits in this file.
 */

/** One TLV data object. `tag` is two digits; a nested list is a template (e.g. tags 26–51, 62, 64). */
export interface TlvField {
  tag: string;
  value: string | TlvField[];
}

/** A payload or field that breaks the EMVCo TLV rules (bad tag, length, CRC, range). */
export class EmvTlvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmvTlvError';
  }
}

/** QR layouts the hub can emit (`qrProperties.scheme`, docs/protocol.md §4). */
export type QrScheme = 'ELECTRUM_MERCHANT_MINIMAL' | 'EMVCO_MERCHANT' | 'PSEUDO_EMVCO_MERCHANT';

/** What `buildMerchantQr` needs; optional fields map to EMVCo root tags 52–60. */
export interface MerchantQrInput {
  scheme: QrScheme;
  /** Merchant account information template tag, 26..51. */
  templateTag: number;
  /** Template sub-tag 00. */ providerId: string;
  /** Template sub-tag 01. */ tranId: string;
  /** Tag 52, 4 digits. */ merchantCategoryCode?: string;
  /** Tag 53, ISO 4217 numeric (3 digits). */ currency?: string;
  /** Tag 54, integer minor units; emitted as decimal major units ("799.95"). */
  amountMinor?: number;
  /** Decimal places of the currency, 0..4; default 2. */ currencyExponent?: number;
  /** Tag 58, ISO 3166 alpha-2. */ countryCode?: string;
  /** Tag 59, truncated to 25 characters. */ merchantName?: string;
  /** Tag 60, truncated to 15 characters. */ merchantCity?: string;
}

const TAG = /^\d{2}$/;
const CRC_TAG_AND_LENGTH = '6304';

// EMVCo lengths count characters, not bytes: the spec's own example has tag 64
// with length 20 over "0002ZH0104最佳运输0202北京". Count code points so that
// astral characters are one character too (String#length would count two).
const chars = (s: string): string[] => Array.from(s);
const truncate = (value: string | undefined, max: number) => value && chars(value).slice(0, max).join('');

/**
 * Encodes fields as tag + 2-digit decimal length + value, templates recursively.
 * @throws EmvTlvError when a tag is not two digits or a value is empty or over 99 characters
 */
export function encodeTlv(fields: TlvField[]): string {
  return fields
    .map(({ tag, value }) => {
      if (!TAG.test(tag)) throw new EmvTlvError(`TLV tag "${tag}" is not two digits`);
      const text = typeof value === 'string' ? value : encodeTlv(value);
      const length = chars(text).length;
      // EMVCo lengths run 01..99; an empty object is not allowed, so omit the tag instead.
      if (length < 1 || length > 99) throw new EmvTlvError(`TLV tag ${tag} value length ${length} is outside 1..99`);
      return tag + String(length).padStart(2, '0') + text;
    })
    .join('');
}

/**
 * Decodes one level of TLV; template values stay strings (see `decodeTemplate`).
 * Tag order is not checked: real payloads, the EMVCo example included, are not sorted.
 * @throws EmvTlvError on a non-digit tag or length, or a truncated payload
 */
export function decodeTlv(payload: string): TlvField[] {
  const cs = chars(payload);
  const fields: TlvField[] = [];
  let i = 0;
  while (i < cs.length) {
    if (i + 4 > cs.length) throw new EmvTlvError(`TLV truncated at position ${i}: no room for tag and length`);
    const tag = cs.slice(i, i + 2).join('');
    const lengthText = cs.slice(i + 2, i + 4).join('');
    if (!TAG.test(tag)) throw new EmvTlvError(`TLV tag "${tag}" at position ${i} is not two digits`);
    if (!TAG.test(lengthText)) throw new EmvTlvError(`TLV tag ${tag} has invalid length "${lengthText}"`);
    const length = Number(lengthText);
    if (i + 4 + length > cs.length) throw new EmvTlvError(`TLV tag ${tag} truncated: needs ${length} characters`);
    fields.push({ tag, value: cs.slice(i + 4, i + 4 + length).join('') });
    i += 4 + length;
  }
  return fields;
}

/** Decodes a template's value (e.g. tag 26) into its sub-fields. */
export function decodeTemplate(value: string): TlvField[] {
  return decodeTlv(value);
}

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0) as 4 uppercase hex chars.
 * Computed over UTF-8 bytes: only that reproduces the EMVCo example's CRC A13A, whose payload
 * holds Chinese text (one byte per UTF-16 unit gives C919).
 */
export function crc16CcittFalse(data: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(data, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Appends tag 63: the CRC covers the payload plus "6304" itself, as EMVCo requires. */
export function withCrc(payloadWithoutCrc: string): string {
  const covered = payloadWithoutCrc + CRC_TAG_AND_LENGTH;
  return covered + crc16CcittFalse(covered);
}

/**
 * True when the last TLV object is tag 63, length 04, holding the CRC of everything before
 * its value. Decoding first means "6304" inside some other value cannot fake a CRC; hex case
 * is ignored because some generators emit lowercase.
 */
export function verifyCrc(payload: string): boolean {
  let fields: TlvField[];
  try {
    fields = decodeTlv(payload);
  } catch {
    return false;
  }
  const last = fields[fields.length - 1];
  if (!last || last.tag !== '63' || !payload.endsWith(CRC_TAG_AND_LENGTH + String(last.value))) return false;
  return String(last.value).toUpperCase() === crc16CcittFalse(payload.slice(0, -4));
}

/**
 * Builds the QR payload for a scheme (docs/protocol.md §4):
 * - ELECTRUM_MERCHANT_MINIMAL: `000201` + template (00 providerId, 01 tranId); no CRC.
 * - PSEUDO_EMVCO_MERCHANT: the minimal payload plus whichever of 52/53/54/58/59/60 are given; no CRC.
 * - EMVCO_MERCHANT: 00, 01 = "12", template, 52, 53, 54 (only with an amount), 58, 59, 60, then 63.
 *   EMVCo makes 52/53/58/59/60 mandatory, so missing ones default to 52 "0000", 53 "710" (ZAR),
 *   58 "ZA", 59 "NA", 60 "NA".
 * Tag 59 is truncated to 25 and 60 to 15 characters, the EMVCo maxima.
 * @throws EmvTlvError on a template tag outside 26..51 or a malformed field
 */
export function buildMerchantQr(input: MerchantQrInput): string {
  const template: TlvField = {
    tag: templateTagText(input.templateTag),
    value: [
      { tag: '00', value: input.providerId },
      { tag: '01', value: input.tranId },
    ],
  };
  const format: TlvField = { tag: '00', value: '01' };
  if (input.scheme === 'ELECTRUM_MERCHANT_MINIMAL') return encodeTlv([format, template]);
  if (input.scheme === 'PSEUDO_EMVCO_MERCHANT') return encodeTlv([format, template, ...merchantFields(input, false)]);
  // Point of initiation "12" (dynamic): every code carries its own tranId and is for one
  // transaction; "11" (static) would tell wallets the code may be reused. After the
  // template: docs/protocol.md §4 has every payload start 000201 + template, and EMVCo fixes only
  // the first (00) and last (63) data objects.
  const initiation: TlvField = { tag: '01', value: '12' };
  return withCrc(encodeTlv([format, template, initiation, ...merchantFields(input, true)]));
}

/**
 * Decodes a payload and pulls sub-tags 00 (providerId) and 01 (tranId) from the template.
 * A present tag 63 must verify, so a corrupted scan is rejected rather than half-trusted.
 * @throws EmvTlvError on malformed TLV, a bad CRC or a template tag outside 26..51
 */
export function parseMerchantQr(
  payload: string,
  templateTag = 26,
): { providerId?: string; tranId?: string; fields: TlvField[] } {
  const tag = templateTagText(templateTag);
  const fields = decodeTlv(payload);
  if (fields.some((f) => f.tag === '63') && !verifyCrc(payload)) {
    throw new EmvTlvError('QR payload CRC does not verify');
  }
  const template = fields.find((f) => f.tag === tag);
  if (!template) return { fields };
  const sub = decodeTemplate(String(template.value));
  const value = (t: string) => sub.find((f) => f.tag === t)?.value as string | undefined;
  return { providerId: value('00'), tranId: value('01'), fields };
}

function templateTagText(templateTag: number): string {
  if (!Number.isInteger(templateTag) || templateTag < 26 || templateTag > 51) {
    throw new EmvTlvError(`merchant account template tag ${templateTag} is outside 26..51`);
  }
  return String(templateTag);
}

/** Root tags 52..60 in ascending order; `withDefaults` fills the EMVCo-mandatory ones. */
function merchantFields(input: MerchantQrInput, withDefaults: boolean): TlvField[] {
  const d = (value: string | undefined, fallback: string) => (value ? value : withDefaults ? fallback : undefined);
  const fields: [string, string | undefined][] = [
    ['52', check(d(input.merchantCategoryCode, '0000'), /^\d{4}$/, 'merchantCategoryCode')],
    ['53', check(d(input.currency, '710'), /^\d{3}$/, 'currency')],
    ['54', input.amountMinor === undefined ? undefined : formatAmount(input.amountMinor, input.currencyExponent ?? 2)],
    ['58', check(d(input.countryCode, 'ZA'), /^[A-Za-z]{2}$/, 'countryCode')?.toUpperCase()],
    ['59', truncate(d(input.merchantName, 'NA'), 25)],
    ['60', truncate(d(input.merchantCity, 'NA'), 15)],
  ];
  return fields.filter((f): f is [string, string] => !!f[1]).map(([tag, value]) => ({ tag, value }));
}

function check(value: string | undefined, pattern: RegExp, name: string): string | undefined {
  if (value !== undefined && !pattern.test(value)) throw new EmvTlvError(`${name} "${value}" is not valid for EMVCo`);
  return value;
}

// String arithmetic, never floats (STYLE: money): 79995 minor at exponent 2 -> "799.95".
function formatAmount(amountMinor: number, exponent: number): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new EmvTlvError(`amountMinor ${amountMinor} is not a non-negative safe integer`);
  }
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 4) {
    throw new EmvTlvError(`currencyExponent ${exponent} is outside 0..4`);
  }
  const digits = String(amountMinor).padStart(exponent + 1, '0');
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  if (text.length > 13) throw new EmvTlvError(`amount ${text} is longer than the 13 characters EMVCo allows`);
  return text;
}

/**
 * Secrets never leave the hub in logs or the audit trail (docs/protocol.md §3):
 * partnerPaymentToken and passwords are replaced, card numbers keep only
 * their first six digits.
 */
const HIDDEN_KEYS = new Set(['partnerpaymenttoken', 'password', 'authorization', 'secret', 'token']);

/** True for a property whose value is a secret and is replaced whole (`***`). */
export function isSecretKey(key: string): boolean {
  return HIDDEN_KEYS.has(key.toLowerCase());
}

export function maskSecrets<T>(value: T, depth = 0): T {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => maskSecrets(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const lower = key.toLowerCase();
    if (HIDDEN_KEYS.has(lower) && v !== undefined && v !== null) out[key] = '***';
    else if (lower === 'cardnumber' && typeof v === 'string') out[key] = maskCardNumber(v);
    else out[key] = maskSecrets(v, depth + 1);
  }
  return out as T;
}

export function maskCardNumber(cardNumber: string): string {
  return cardNumber.length <= 6 ? cardNumber : cardNumber.slice(0, 6) + '*'.repeat(cardNumber.length - 6);
}

/*
 * 13–19 digits standing alone (not inside a word or a longer number) look like
 * a card number: in free text there is no key to tell, so the digits after
 * the first six are hidden whatever they are.
 */
const PAN_IN_TEXT = /(?<![0-9A-Za-z])([0-9]{6})([0-9]{7,13})(?![0-9A-Za-z])/g;
/* `"partnerPaymentToken":"…"`, `password=…`, `Authorization: Basic …` inside a string. */
const SECRET_IN_TEXT =
  /((?:partnerPaymentToken|password|authorization|secret)["']?\s*[:=]\s*["']?)(?:(?:Basic|Bearer)\s+)?[^"'\s,;}&]+/gi;

/**
 * Masks secrets inside free text (log messages, error messages): values
 * after a secret's name and card numbers beyond their first six digits.
 */
export function maskSecretsInText(text: string): string {
  return text
    .replace(SECRET_IN_TEXT, '$1***')
    .replace(PAN_IN_TEXT, (_match, first: string, rest: string) => first + '*'.repeat(rest.length));
}

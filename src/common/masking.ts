/**
 * Secrets never leave the hub in logs or the audit trail (SPEC §3):
 * partnerPaymentToken and passwords are replaced, card numbers keep only
 * their first six digits.
 */
const HIDDEN_KEYS = new Set(['partnerpaymenttoken', 'password', 'authorization', 'secret', 'token']);

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

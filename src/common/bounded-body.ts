import { createHash } from 'node:crypto';

/** A body larger than this (as JSON, in bytes) is kept only as a digest: in the audit trail and in logs. */
export const KEPT_BODY_MAX_BYTES = 16 * 1024;
/** How much of an oversized body's JSON the digest keeps, to show what it was. */
const PREFIX_CHARS = 512;
/** Top-level fields a digest keeps (ids, errorType, errorMessage): short scalars only. */
const KEPT_FIELD_MAX_CHARS = 64;
const KEPT_FIELDS_MAX = 16;

/** What is kept of an oversized body. */
export interface BodyDigest {
  truncated: { sha256: string; bytes: number; prefix: string };
  [field: string]: unknown;
}

/**
 * `body` (already masked) as it may be kept: itself when its JSON fits in
 * `maxBytes`, otherwise a digest — the SHA-256 and length of its JSON, the
 * start of it, and its short top-level fields (so an oversized ErrorDetail
 * still says its errorType and message). One caller cannot fill the store or
 * the log with a single message.
 */
export function boundedBody<T>(body: T, maxBytes = KEPT_BODY_MAX_BYTES): T | BodyDigest {
  if (body === null || body === undefined || typeof body !== 'object') return body;
  let json: string;
  try {
    json = JSON.stringify(body);
  } catch {
    // Nested past what the JS stack can walk (a hostile body): nothing of it can be kept.
    return { truncated: { sha256: '', bytes: -1, prefix: '(not serialisable: nested too deeply)' } };
  }
  // A UTF-8 byte is at least one UTF-16 unit: the cheap check settles most bodies.
  if (json.length <= maxBytes / 3 || Buffer.byteLength(json) <= maxBytes) return body;
  const digest: BodyDigest = {
    truncated: {
      sha256: createHash('sha256').update(json).digest('hex'),
      bytes: Buffer.byteLength(json),
      prefix: json.slice(0, PREFIX_CHARS),
    },
  };
  if (!Array.isArray(body)) {
    let kept = 0;
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (kept >= KEPT_FIELDS_MAX) break;
      if (key === 'truncated' || key.length > KEPT_FIELD_MAX_CHARS || !isShortScalar(value)) continue;
      digest[key] = value;
      kept++;
    }
  }
  return digest;
}

function isShortScalar(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= KEPT_FIELD_MAX_CHARS;
  return typeof value === 'number' || typeof value === 'boolean';
}

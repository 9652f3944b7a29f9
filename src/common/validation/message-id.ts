import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/**
 * A message id (`id`, `requestId`) in the shape the interface calls a UUID:
 * 8-4-4-4-12 hex digits, either case, whatever its version and variant digits
 * (docs/decisions.md: Electrum's own examples and test packs make ids that
 * are not RFC 4122).
 */
export const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The validator's name; the API document shows it as `format: uuid` (src/docs/dto-schemas.ts). */
export const IS_MESSAGE_ID = 'isMessageId';

/**
 * Validates a message id and lower-cases it: ids compare case-insensitively,
 * so the hub stores, looks up and hashes only the lower-case form. Answers
 * still echo the id as it was sent ({@link withIdsAsSent}).
 */
export function IsMessageId(): PropertyDecorator {
  const lower = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value));
  const shape = ValidateBy({
    name: IS_MESSAGE_ID,
    validator: {
      validate: (value: unknown) => typeof value === 'string' && MESSAGE_ID.test(value),
      defaultMessage: () => '$property must be a UUID',
    },
  });
  return (target: object, key: string | symbol) => {
    lower(target, key);
    shape(target, key);
  };
}

const ECHOED_IDS = ['id', 'requestId'] as const;

/**
 * The answer with the ids it echoes written as the caller sent them: the hub
 * works with the lower-case form, the caller may compare the echo byte for byte.
 */
export function withIdsAsSent<T extends object>(answer: T, sent: unknown): T {
  if (typeof sent !== 'object' || sent === null) return answer;
  let out: Record<string, unknown> | null = null;
  for (const key of ECHOED_IDS) {
    const original = (sent as Record<string, unknown>)[key];
    const current = (answer as Record<string, unknown>)[key];
    if (typeof original === 'string' && original !== current && original.toLowerCase() === current) {
      out ??= { ...(answer as Record<string, unknown>) };
      out[key] = original;
    }
  }
  return (out ?? answer) as T;
}

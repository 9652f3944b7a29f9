import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import type { JsonObject } from '@app/persistence/column-types';
import type { AdviceKind } from './advice.entity';

/**
 * Same content = same advice (docs/protocol.md §7): the kind and every field
 * but `time`, which may differ when a sender repeats it. The body's ids are
 * in their lower-case form (docs/decisions.md: ids compare case-insensitively).
 */
export function contentHash(kind: AdviceKind, body: JsonObject): string {
  const { time: _time, ...content } = body;
  return createHash('sha256')
    .update(kind)
    .update(stringify(content) ?? '')
    .digest('hex');
}

import { MESSAGE_ID } from '@app/common/validation/message-id';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@app/clock/clock';
import { boundedBody } from '@app/common/bounded-body';
import { maskSecrets } from '@app/common/masking';
import { JsonObject } from '@app/persistence/column-types';
import type { Tx } from '@app/persistence/database';
import { GroupCommit } from '@app/persistence/group-commit';
import { AuditDirection, AuditMessage } from './audit-message.entity';
import { AuditRepository, type TransitionEvent } from './audit.repository';

/** Rows per INSERT: 12 columns × 400 stays far below SQLite's parameter limit. */
const MAX_BATCH = 400;

export interface AuditEntry {
  direction: AuditDirection;
  operation: string;
  messageId?: string | null;
  tranId?: string | null;
  institutionId?: string | null;
  httpStatus?: number | null;
  outcome?: string | null;
  requestBody?: unknown;
  responseBody?: unknown;
  durationMs?: number | null;
}

/**
 * The audit trail (docs/protocol.md §10): every inbound and outbound message with its
 * outcome. Secrets are masked before they are stored. A failed audit write is
 * logged and never turns a good answer into an error.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  private readonly writes = new GroupCommit<Partial<AuditMessage>, void>((rows) => this.insert(rows), MAX_BATCH);

  /**
   * Resolves once the row is committed. Rows recorded while a write is under
   * way are committed together in the next one (group commit): each answer
   * still waits for its own audit row, but many requests share one
   * transaction instead of paying for one each.
   */
  record(entry: AuditEntry): Promise<void> {
    return this.writes.submit(this.toRow(entry));
  }

  /**
   * A payment's lifecycle transition, written inside `tx`, the transaction
   * that made it: committed with it or not at all.
   */
  recordTransition(tx: Tx, event: Omit<TransitionEvent, 'at'>): Promise<void> {
    return this.repo.insertTransition(tx, { ...event, at: this.clock.now() });
  }

  private async insert(rows: Array<Partial<AuditMessage>>): Promise<void[]> {
    try {
      await this.repo.insertMany(rows);
    } catch (error) {
      this.logger.warn(`audit write of ${rows.length} rows failed: ${(error as Error).message}`);
    }
    return rows.map(() => undefined);
  }

  toRow(entry: AuditEntry): Partial<AuditMessage> {
    return {
      direction: entry.direction,
      operation: entry.operation,
      messageId: clip(lowerIfMessageId(entry.messageId), 64),
      tranId: clip(entry.tranId, 64),
      institutionId: clip(entry.institutionId, 256),
      httpStatus: entry.httpStatus ?? null,
      outcome: clip(entry.outcome, 40),
      requestBody: asJson(entry.requestBody),
      responseBody: asJson(entry.responseBody),
      durationMs: entry.durationMs ?? null,
      createdAt: this.clock.now(),
    };
  }
}

/** Message ids are kept in lower case, as everywhere (docs/decisions.md), so a search finds them. */
function lowerIfMessageId(value: string | null | undefined): string | null | undefined {
  return value && MESSAGE_ID.test(value) ? value.toLowerCase() : value;
}

function clip(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  return value.length > max ? value.slice(0, max) : value;
}

/**
 * Stored bodies are objects, masked, and at most 16 KiB of JSON: beyond that a
 * digest (see boundedBody). Anything else (a stray string, an array) is wrapped.
 */
function asJson(body: unknown): JsonObject | null {
  if (body === undefined || body === null) return null;
  const masked: unknown = maskSecrets(body);
  const wrapped = typeof masked === 'object' && !Array.isArray(masked) ? masked : { value: masked };
  return boundedBody(wrapped as JsonObject) as JsonObject;
}

import type { Request } from 'express';
import { bodyField } from '@app/common/http/body-field';
import { linkedTransaction } from './audit-link';
import type { AuditEntry } from './audit.service';

/** What an answered inbound request's audit row says beyond the request itself. */
export interface Answer {
  httpStatus: number;
  outcome: string;
  responseBody: unknown;
  durationMs?: number;
}

/**
 * The audit row of an inbound protocol request and its answer, success
 * (AuditInterceptor) or error (ErrorDetailFilter) alike. Its tranId is only a
 * transaction the hub found and the caller owns (`linkToTransaction`), never
 * an id merely named in the body.
 */
export function inboundEntry(req: Request & { user?: { id: string } }, operation: string, answer: Answer): AuditEntry {
  return {
    direction: 'IN',
    operation,
    messageId: bodyField(req, 'id'),
    tranId: linkedTransaction() ?? null,
    institutionId: req.user?.id,
    requestBody: req.body as unknown,
    ...answer,
  };
}

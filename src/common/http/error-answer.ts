import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { ErrorDetail, tillMessage } from '@app/errors/error-detail';
import type { HubError } from '@app/errors/hub-error';
import { bodyField } from './body-field';
import { noteErrorType } from './request-logging';

/** The ErrorDetail for an error on this request (docs/protocol.md §2: ids, tranId, originalId). */
export function errorDetailFor(error: HubError, req: Request): ErrorDetail {
  noteErrorType(req, error.errorType);
  const requestId = usableId(bodyField(req, 'id'));
  const detail: ErrorDetail = {
    id: requestId ?? randomUUID(),
    errorType: error.errorType,
    errorMessage: tillMessage(error.message),
  };
  // The hub works with lower-case ids; the caller's own requestId is echoed as it was sent.
  const sentRequestId = usableId(bodyField(req, 'requestId'));
  const originalId =
    sentRequestId?.toLowerCase() === error.extra.originalId ? sentRequestId : (error.extra.originalId ?? sentRequestId);
  if (originalId) detail.originalId = originalId;
  const tranId = error.extra.tranId ?? usableId(bodyField(req, 'tranId'));
  if (tranId) detail.tranId = tranId;
  if (error.extra.detailMessage !== undefined) detail.detailMessage = error.extra.detailMessage;
  if (error.extra.providerErrorCode) detail.providerErrorCode = error.extra.providerErrorCode;
  if (error.extra.providerErrorMsg) detail.providerErrorMsg = error.extra.providerErrorMsg;
  if (error.extra.providerRef) detail.providerRef = error.extra.providerRef;
  return detail;
}

/** Echo an id from the request only when it is a sane identifier, never a 60 KiB string. */
function usableId(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 && value.length <= 64 ? value : undefined;
}

import { applyDecorators, Type } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdvicesController } from '@app/advices/advices.controller';
import { PaymentsController } from '@app/payments/payments.controller';
import { QrCodesController } from '@app/qr-codes/qr-codes.controller';
import { ScansController } from '@app/scans/scans.controller';
import { BASIC_AUTH } from './api-security';
import { schemaRef } from './contract-schemas';

interface DocumentedResponse {
  description: string;
  /** Definition name of the body; none for an empty body. */
  schema?: string;
}

/** How one protocol operation is documented. */
interface OperationDoc {
  controller: Type<object>;
  method: string;
  operationId: string;
  tag: 'retailer' | 'partner';
  summary: string;
  body: string;
  responses: Record<number, DocumentedResponse>;
}

const error = (description: string): DocumentedResponse => ({ description, schema: 'ErrorDetail' });

/** The interface's own failure answers, shared by all five operations. */
const PROTOCOL_FAILURES = {
  400: error('Bad Request: FORMAT_ERROR with its violations (at most 50 listed), or a business decline'),
  500: error('Internal Server Error: outcome unknown'),
  503: error('Service Unavailable: nothing was done'),
  504: error('Gateway Timeout: outcome unknown'),
};

/*
 * Answers the hub gives before a message reaches its operation (docs/protocol.md §2, §3).
 * The interface does not list them; the contract test allows exactly these.
 */
const GATE_FAILURES = {
  401: error('No or wrong credentials (WWW-Authenticate: Basic realm="qr")'),
  403: error('Wrong role, or client.id / partner.id is not the caller'),
  413: error('Body larger than BODY_LIMIT_BYTES'),
  415: error('Content-Type is not application/json'),
  429: error('Too many failed logins (Retry-After)'),
};

/**
 * The five operations of the QR Payment Service Interface 1.7.0 (docs/protocol.md §1).
 * Kept in one table rather than on each controller: the controllers belong
 * to the payment flows' owners, and this table is what the contract test
 * (test/e2e/openapi-contract.e2e-spec.ts) holds against the interface.
 */
export const OPERATION_DOCS: OperationDoc[] = [
  {
    controller: QrCodesController,
    method: 'create',
    operationId: 'createQrCode',
    tag: 'retailer',
    summary: 'Issue a QR code for the till to show',
    body: 'CreateQrCodeRequest',
    responses: { 201: { description: 'Created', schema: 'CreateQrCodeResponse' }, ...PROTOCOL_FAILURES },
  },
  {
    controller: PaymentsController,
    method: 'pay',
    operationId: 'pay',
    tag: 'retailer',
    summary: "Pay against a QR code; held until the partner's scan, then forwarded to that partner",
    body: 'PaymentRequest',
    responses: {
      201: { description: 'Created: the partner approved', schema: 'PaymentResponse' },
      ...PROTOCOL_FAILURES,
    },
  },
  {
    controller: AdvicesController,
    method: 'confirm',
    operationId: 'confirmPayment',
    tag: 'retailer',
    summary: 'Confirm a payment; stored, then delivered to the partner until it answers',
    body: 'PaymentConfirmation',
    responses: {
      202: { description: 'Accepted: the confirmation echoed', schema: 'PaymentConfirmation' },
      404: error('Not Found: no such payment of this retailer'),
      ...PROTOCOL_FAILURES,
    },
  },
  {
    controller: AdvicesController,
    method: 'reverse',
    operationId: 'reversePayment',
    tag: 'retailer',
    summary: 'Reverse a payment; stored, then delivered to the partner until it answers',
    body: 'PaymentReversal',
    responses: {
      202: { description: 'Accepted: the reversal echoed', schema: 'PaymentReversal' },
      404: error('Not Found: nothing to reverse (a successful outcome for a reversal)'),
      ...PROTOCOL_FAILURES,
    },
  },
  {
    controller: ScansController,
    method: 'notifyScan',
    operationId: 'notifyScan',
    tag: 'partner',
    summary: "A partner's customer scanned a QR code; releases the waiting payment",
    body: 'ScanNotification',
    responses: { 202: { description: 'Accepted (empty body)' }, ...PROTOCOL_FAILURES },
  },
];

const documented = new WeakSet<object>();

/**
 * Puts the swagger decorators of {@link OPERATION_DOCS} on the controller
 * methods, once per process (decorators append tags, so twice would list
 * each operation under its tag twice when several apps are built in tests).
 */
export function documentOperations(): void {
  for (const op of OPERATION_DOCS) {
    const prototype = op.controller.prototype as Record<string, unknown>;
    const handler = prototype[op.method];
    if (typeof handler !== 'function') throw new Error(`${op.controller.name}.${op.method} is not a handler`);
    if (documented.has(handler)) continue;
    documented.add(handler);
    const responses = { ...op.responses, ...GATE_FAILURES };
    applyDecorators(
      ApiTags(op.tag),
      ApiBasicAuth(BASIC_AUTH),
      ApiOperation({ operationId: op.operationId, summary: op.summary }),
      ApiBody({ schema: schemaRef(op.body) }),
      ...Object.entries(responses).map(([status, r]) =>
        ApiResponse({
          status: Number(status),
          description: r.description,
          ...(r.schema && { schema: schemaRef(r.schema) }),
        }),
      ),
    )(prototype, op.method, Object.getOwnPropertyDescriptor(prototype, op.method) as PropertyDescriptor);
  }
}

import { applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DocumentedResponse } from '@app/operations/operation';
import type { OperationTable, ServedOperation } from '@app/operations/operation-table';
import { errorAnswer } from '@app/operations/protocol-responses';
import { BASIC_AUTH } from './api-security';
import { schemaRef } from './contract-schemas';

/*
 * Answers the hub gives before a message reaches its operation (docs/protocol.md §2, §3).
 * The interface does not list them; the contract test allows exactly these.
 */
const GATE_FAILURES: Record<number, DocumentedResponse> = {
  401: errorAnswer('No or wrong credentials (WWW-Authenticate: Basic realm="qr")'),
  403: errorAnswer('Wrong role, or client.id / partner.id is not the caller'),
  413: errorAnswer('Body larger than BODY_LIMIT_BYTES'),
  415: errorAnswer('Content-Type is not application/json'),
  429: errorAnswer('Too many failed logins (Retry-After)'),
};

/** The gate answers of an operator API route (docs/protocol.md §3, §11), each an ErrorDetail; openapi.ts adds them. */
export const OPERATOR_GATE_FAILURES: Record<number, string> = {
  401: GATE_FAILURES[401].description,
  403: "Not an operator's credential (a retailer's or partner's), a viewer's on an action, or a cross-site request",
  429: GATE_FAILURES[429].description,
};

const documented = new WeakSet<object>();

/**
 * Puts the swagger decorators of each operation's declaration (its `docs`)
 * on the handler that serves it, once per process (decorators append tags,
 * so twice would list each operation under its tag twice when several apps
 * are built in tests). What the contract test
 * (test/e2e/openapi-contract.e2e-spec.ts) holds against the interface.
 */
export function documentOperations(table: OperationTable): void {
  for (const served of table.served) {
    const prototype = served.controller.prototype as Record<string, unknown>;
    const handler = prototype[served.handler];
    if (typeof handler !== 'function') throw new Error(`${served.controller.name}.${served.handler} is not a handler`);
    if (documented.has(handler)) continue;
    documented.add(handler);
    const descriptor = Object.getOwnPropertyDescriptor(prototype, served.handler) as PropertyDescriptor;
    applyDecorators(...decoratorsOf(served))(prototype, served.handler, descriptor);
  }
}

function decoratorsOf({ operation: op }: ServedOperation): Array<ClassDecorator | MethodDecorator> {
  // A message passes the gates of its body too (413, 415); each operation without one lists its own.
  const responses = op.message ? { ...op.docs.responses, ...GATE_FAILURES } : op.docs.responses;
  return [
    ApiTags(op.docs.tag),
    ApiBasicAuth(BASIC_AUTH),
    ApiOperation({ operationId: op.name, summary: op.docs.summary }),
    ...(op.message ? [ApiBody({ schema: schemaRef(op.message) })] : []),
    ...Object.entries(op.docs.params ?? {}).map(([name, description]) => ApiParam({ name, description })),
    ...(op.docs.produces ? [ApiProduces(...op.docs.produces)] : []),
    ...Object.entries(responses).map(([status, r]) =>
      ApiResponse({
        status: Number(status),
        description: r.description,
        ...(r.schema && { schema: schemaRef(r.schema) }),
        ...(r.content && { content: r.content }),
      }),
    ),
  ];
}

import type { DocumentedResponse } from './operation';

/** An answer whose body is an `ErrorDetail` (docs/protocol.md §2). */
export const errorAnswer = (description: string): DocumentedResponse => ({ description, schema: 'ErrorDetail' });

/** The interface's own failure answers, shared by the protocol operations (docs/protocol.md §2). */
export const PROTOCOL_FAILURES: Readonly<Record<number, DocumentedResponse>> = {
  400: errorAnswer('Bad Request: FORMAT_ERROR with its violations (at most 50 listed), or a business decline'),
  500: errorAnswer('Internal Server Error: outcome unknown'),
  503: errorAnswer('Service Unavailable: nothing was done'),
  504: errorAnswer('Gateway Timeout: outcome unknown'),
};

import { randomUUID } from 'node:crypto';
import type { WireDetails } from './contract';
import type { DialectTranslation, PartnerCall, WireAnswer } from './dialect';

/*
 * The QR Payment Service Interface itself (docs/protocol.md §2), as the `electrum-http`
 * connector speaks it: POST JSON to `/payments`, `/payments/confirmations` and
 * `/payments/reversals` (below the double's `basePath`, e.g. `/qr/v1`), the messages
 * unaltered both ways, ErrorDetail bodies on 4xx/5xx. Advices name their payment by
 * `requestId`, so no lookup route: the protocol has none.
 */
const ROUTES: Record<string, 'pay' | 'confirm' | 'reverse'> = {
  '/payments': 'pay',
  '/payments/confirmations': 'confirm',
  '/payments/reversals': 'reverse',
};

function errorAnswer(status: number, errorType: string, errorMessage: string, id?: unknown): WireAnswer {
  return { status, body: { id: typeof id === 'string' ? id : randomUUID(), errorType, errorMessage } };
}

/** The identity translation: the double answers exactly as an Electrum partner would. */
export const electrumDialect: DialectTranslation = {
  name: 'electrum',

  readRequest(request) {
    const operation = ROUTES[request.path.split('?')[0]];
    if (operation === undefined) return { answer: errorAnswer(404, 'FUNCTION_NOT_SUPPORTED', 'No such operation') };
    if (request.method !== 'POST') {
      return { answer: errorAnswer(501, 'FUNCTION_NOT_SUPPORTED', 'Method not supported') };
    }
    const body = request.body;
    if (body === null) return { answer: errorAnswer(400, 'FORMAT_ERROR', 'Body is not a JSON object') };
    // The rules validate the message themselves (FORMAT_ERROR without id or amount), as a partner would.
    const call: PartnerCall = operation === 'pay' ? { operation, request: body } : { operation, advice: body };
    return call;
  },

  writeAnswer(_call, answer) {
    return { status: answer.status, body: answer.body };
  },

  unauthorized(request) {
    return {
      ...errorAnswer(401, 'GENERAL_ERROR', 'Authentication failed', request.body?.id),
      headers: { 'www-authenticate': 'Basic realm="qr"' },
    };
  },
};

/** The interface's statuses for each case of the contract suite (its status table, docs/protocol.md §2). */
export const ELECTRUM_WIRE: Readonly<WireDetails> = {
  approved: 201,
  declined: 400,
  fault: 500,
  adviceAccepted: 202,
  adviceFault: 500,
  adviceRefused: 400,
  notFound: 404,
  nothingToReverse: 404,
};

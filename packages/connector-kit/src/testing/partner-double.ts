import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ErrorType, parseObject, type JsonBody } from '@qr-hub/protocol';
import { SandboxPartner, type SimulatedAnswer } from '../sandbox/sandbox-partner';
import { sandboxErrorDetail } from '../sandbox/sandbox-rules';
import { createTestAuthority, type PemPair } from './certificates';
import type { DialectTranslation, PartnerCall, PartnerOperation, WireAnswer, WireRequest } from './dialect';

export interface PartnerDoubleOptions {
  /** The partner's wire format (`electrumDialect`, or the test's own translation). */
  dialect: DialectTranslation;
  /** Lets a request in; a refused one gets the dialect's `unauthorized` answer (401). Default: all in. */
  authorize?(request: WireRequest): boolean;
  /** Delay of the "approve slowly" rule (cents 92); default `SANDBOX_SLOW_MS` (300 ms). */
  slowMs?: number;
  /** Where the dialect's routes start, e.g. `/qr/v1`; part of `baseUrl`. Default none. */
  basePath?: string;
  /** The simulated partner's id (its `thirdPartyIdentifiers` entry on approvals). Default `partner-double`. */
  partnerId?: string;
  /** `requireClientCert`: mutual TLS; only a client certificate signed by the double's CA gets in. */
  tls?: { requireClientCert?: boolean };
}

/** One HTTP request the double received, and what it made of it. */
export interface RecordedCall extends WireRequest {
  /** The operation the dialect read; absent when the request was refused or answered as is. */
  operation?: PartnerOperation;
  /** The status answered; absent while the answer is pending (delayed, or never: cents 91). */
  status?: number;
  /** Arrival, epoch ms. */
  at: number;
}

/** A simulated partner on a real HTTPS port, speaking the dialect it was given. */
export interface PartnerDouble {
  /** `https://127.0.0.1:<port>` plus `basePath`. */
  baseUrl: string;
  /** PEM certificate the connector must trust: the double's own CA (valid for 127.0.0.1 and localhost). */
  ca: string;
  /** With `tls.requireClientCert`: a client certificate and key the double accepts. */
  clientCertificate?: PemPair;
  /** Every request received, in arrival order: what went on the wire. */
  calls: RecordedCall[];
  /** The partner's memory, e.g. `partner.refOf(requestId)` to compare with a connector's `partnerRef`. */
  partner: SandboxPartner;
  /** Stops listening and ends every connection, requests held unanswered included. */
  close(): Promise<void>;
}

/* Far above any protocol message; a bigger body is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Starts a partner double on 127.0.0.1 and a free port, answering by the sandbox rules. */
export async function startPartnerDouble(options: PartnerDoubleOptions): Promise<PartnerDouble> {
  const { dialect } = options;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const authority = createTestAuthority();
  const mutual = options.tls?.requireClientCert === true;
  const partner = new SandboxPartner(options.partnerId ?? 'partner-double', { slowMs: options.slowMs });
  const calls: RecordedCall[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, call: RecordedCall, answer: WireAnswer): void => {
    if (res.destroyed || res.writableEnded) return;
    call.status = answer.status;
    const json = answer.body !== undefined && answer.body !== null && typeof answer.body !== 'string';
    const text =
      answer.body === undefined || answer.body === null ? '' : json ? JSON.stringify(answer.body) : answer.body;
    res.writeHead(answer.status, { ...(json && { 'content-type': 'application/json' }), ...answer.headers });
    res.end(text);
  };

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  /** The sandbox's answer to `call`, after `delayMs`; 'hang' never answers. */
  const simulate = (call: PartnerCall): (SimulatedAnswer & { delayMs: number }) | 'hang' => {
    switch (call.operation) {
      case 'pay': {
        const answer = partner.pay(call.request as unknown as JsonBody);
        return answer.kind === 'hang' ? 'hang' : answer;
      }
      case 'confirm':
      case 'reverse': {
        const kind = call.operation === 'confirm' ? 'confirmation' : 'reversal';
        return { ...partner.advise(kind, call.advice as unknown as JsonBody, call.partnerRef), delayMs: 0 };
      }
      case 'lookup': {
        const ref = partner.refOf(call.requestId);
        if (ref !== undefined) {
          return { status: 200, body: { requestId: call.requestId, partnerRef: ref }, partnerRef: ref, delayMs: 0 };
        }
        const message = { requestId: call.requestId };
        const error = sandboxErrorDetail(message, lookupMiss, `lookup-${call.requestId}`);
        return { status: 404, body: { ...error }, error, delayMs: 0 };
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const target = req.url ?? '/';
    const inside = target === basePath || target.startsWith(`${basePath}/`) || target.startsWith(`${basePath}?`);
    const request: WireRequest = {
      method: req.method ?? 'GET',
      path: inside ? target.slice(basePath.length) || '/' : target,
      headers: flatten(req.headers),
      body: text === null ? null : parseObject(text),
      text: text ?? '',
    };
    const call: RecordedCall = { ...request, at: Date.now() };
    calls.push(call);
    if (text === null) return send(res, call, { status: 413, body: { error: 'body too large' } });
    if (!inside) return send(res, call, { status: 404, body: { error: `not below ${basePath}` } });
    try {
      respond(res, call, request);
    } catch (err) {
      translationFailed(res, call, err);
    }
  };

  /** Authorizes, translates and simulates one request (the test's code runs here). */
  const respond = (res: ServerResponse, call: RecordedCall, request: WireRequest): void => {
    if (options.authorize && !options.authorize(request)) {
      return send(res, call, dialect.unauthorized?.(request) ?? { status: 401, body: { error: 'unauthorized' } });
    }
    const read = dialect.readRequest(request);
    if ('answer' in read) return send(res, call, read.answer);
    call.operation = read.operation;
    const answer = simulate(read);
    // A hanging payment keeps its connection open until the client gives up or `close()`.
    if (answer === 'hang') return;
    const reply = (): void => {
      try {
        send(res, call, dialect.writeAnswer(read, answer, request));
      } catch (err) {
        translationFailed(res, call, err);
      }
    };
    if (answer.delayMs > 0) later(answer.delayMs, reply);
    else reply();
  };

  // A translation (or authorize) that throws is a bug in the test: answered visibly, not left hanging.
  const translationFailed = (res: ServerResponse, call: RecordedCall, err: unknown): void => {
    const error = `partner double (${dialect.name}): ${err instanceof Error ? err.message : String(err)}`;
    if (res.headersSent) res.destroy();
    else send(res, call, { status: 500, body: { error } });
  };

  const server = createServer(
    {
      cert: authority.cert,
      key: authority.key,
      ...(mutual && { requestCert: true, rejectUnauthorized: true, ca: authority.cert }),
    },
    // Reading the body fails only when the client goes away: nobody is left to answer.
    (req, res) => void handle(req, res).catch(() => res.destroy()),
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    baseUrl: `https://127.0.0.1:${port}${basePath}`,
    ca: authority.cert,
    ...(mutual && { clientCertificate: authority.issueClientCertificate('connector under test') }),
    calls,
    partner,
    close() {
      closed ??= new Promise<void>((resolve) => {
        timers.forEach((timer) => clearTimeout(timer));
        timers.clear();
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      });
      return closed;
    },
  };
}

const lookupMiss = { errorType: ErrorType.UNABLE_TO_LOCATE_RECORD, errorMessage: 'No such payment' };

function flatten(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

/** The body as text, or null when it is over the limit (read to the end all the same, so a 413 can be sent). */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8');
}

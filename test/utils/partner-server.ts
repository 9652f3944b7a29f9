import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { JsonObject } from '@app/persistence/column-types';
import { SandboxPartner, type SimulatedAnswer } from '@qr-hub/connector-kit';
import { HUB_UPSTREAM } from '../factories/hub-config.factory';
import { testTls } from './test-tls';

/** One message as the partner received it. */
export interface ReceivedMessage {
  /** Path below the base path, e.g. `/payments/confirmations`. */
  path: string;
  /** The parsed JSON body (`{}` when it was not a JSON object). */
  body: JsonObject;
  /** Arrival time (epoch ms, real time). */
  at: number;
  /** The Basic-auth username sent ('' when none); the password is never kept. */
  auth: string;
}

/**
 * `normal`: answer by the sandbox rules. `down`: drop every connection as a
 * request arrives, without answering or recording it (the hub sees a
 * connection error → unknown). `slow`: answer by the rules after `delayMs`.
 */
export type PartnerMode = 'normal' | 'down' | 'slow';

export interface PartnerServerOptions {
  /** Basic-auth credentials the partner accepts; default the test hub's upstream credentials. */
  username?: string;
  password?: string;
  /** Delay of the "approve slowly" rule (cents `92`); default 300 ms. */
  lateMs?: number;
  /** How long a `91` payment is held unanswered (released on `close()`); default 120 s. */
  hangMs?: number;
}

/** A real HTTPS partner speaking the QR Payment Service Interface, for tests. */
export interface PartnerServer {
  /** `https://localhost:<port>/qr/v1` */
  baseUrl: string;
  /** The CA file the hub must trust (the shared test certificate). */
  caFile: string;
  /** Every message the partner took in (all but those dropped while `down`), in arrival order. */
  received: ReceivedMessage[];
  setMode(mode: PartnerMode, delayMs?: number): void;
  /** Holds every answer (after its own delay) until the returned function is called. */
  hold(): () => void;
  /** The most requests ever in flight at once for one advice id (never-sent-twice-at-once checks). */
  readonly inFlightMax: number;
  /** TLS connections accepted so far (keep-alive checks). */
  readonly connections: number;
  close(): Promise<void>;
}

const BASE_PATH = '/qr/v1';
const MAX_BODY_BYTES = 64 * 1024;
const ADVICE_KIND = { '/payments/confirmations': 'confirmation', '/payments/reversals': 'reversal' } as const;

/** Starts a partner on a free port, answering by the sandbox rules (`sandbox-rules.ts`). */
export async function startPartnerServer(opts: PartnerServerOptions = {}): Promise<PartnerServer> {
  const tls = testTls();
  const username = opts.username ?? HUB_UPSTREAM.username;
  const password = opts.password ?? HUB_UPSTREAM.password;
  const partner = new SandboxPartner('test-partner', { slowMs: opts.lateMs ?? 300 });
  const received: ReceivedMessage[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Map<string, number>();
  let held: Array<() => void> | null = null;
  let mode: PartnerMode = 'normal';
  let slowMs = 0;
  let inFlightMax = 0;
  let connections = 0;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = (res: ServerResponse, answer: SimulatedAnswer, headers: Record<string, string> = {}): void => {
    const release = (): void => {
      if (res.destroyed || res.writableEnded) return;
      const text = answer.body === null ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    if (held) held.push(release);
    else release();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url?.startsWith(`${BASE_PATH}/`) ? req.url.slice(BASE_PATH.length) : (req.url ?? '');
    const user = basicUser(req.headers.authorization);
    const text = await readBody(req);
    const body = parseObject(text);
    // A partner that is down never processed the message: tests read `received` as "delivered".
    if (mode === 'down') return void req.socket.destroy();
    received.push({ path, body: body ?? {}, at: Date.now(), auth: user?.username ?? '' });

    const adviceKind = ADVICE_KIND[path as keyof typeof ADVICE_KIND];
    const adviceId = adviceKind && typeof body?.id === 'string' ? `${path} ${body.id}` : undefined;
    if (adviceId) {
      const now = (inFlight.get(adviceId) ?? 0) + 1;
      inFlight.set(adviceId, now);
      inFlightMax = Math.max(inFlightMax, now);
      res.on('close', () => inFlight.set(adviceId, (inFlight.get(adviceId) ?? 1) - 1));
    }

    const answer = decide(req, path, body, text, user);
    if (answer === 'hang') return later(opts.hangMs ?? 120_000, () => req.socket.destroy());
    const delay = (mode === 'slow' ? slowMs : 0) + answer.delayMs;
    const headers: Record<string, string> = answer.status === 401 ? { 'www-authenticate': 'Basic realm="qr"' } : {};
    if (delay > 0) later(delay, () => send(res, answer, headers));
    else send(res, answer, headers);
  };

  const decide = (
    req: IncomingMessage,
    path: string,
    body: JsonObject | null,
    text: string | null,
    user: { username: string; password: string } | undefined,
  ): (SimulatedAnswer & { delayMs: number }) | 'hang' => {
    const fail = (status: number, errorType: string, errorMessage: string) => ({
      status,
      body: { id: typeof body?.id === 'string' ? body.id : randomUUID(), errorType, errorMessage },
      delayMs: 0,
    });
    if (!user || !same(user.username, username) || !same(user.password, password)) {
      return fail(401, 'GENERAL_ERROR', 'Authentication failed');
    }
    if (req.method !== 'POST') return fail(501, 'FUNCTION_NOT_SUPPORTED', 'Method not supported');
    if (text === null) return fail(413, 'FORMAT_ERROR', 'Body too large');
    if (body === null) return fail(400, 'FORMAT_ERROR', 'Body is not a JSON object');
    if (path === '/payments') {
      const answer = partner.pay(body);
      return answer.kind === 'hang' ? 'hang' : answer;
    }
    const adviceKind = ADVICE_KIND[path as keyof typeof ADVICE_KIND];
    if (adviceKind) return { ...partner.advise(adviceKind, body), delayMs: 0 };
    return fail(404, 'FUNCTION_NOT_SUPPORTED', 'No such operation');
  };

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('secureConnection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `https://localhost:${port}${BASE_PATH}`,
    caFile: tls.certFile,
    received,
    setMode(next, delayMs = 0) {
      mode = next;
      slowMs = next === 'slow' ? delayMs : 0;
    },
    hold() {
      const queue: Array<() => void> = [];
      held = queue;
      return () => {
        if (held === queue) held = null;
        queue.splice(0).forEach((release) => release());
      };
    },
    get inFlightMax() {
      return inFlightMax;
    },
    get connections() {
      return connections;
    },
    async close() {
      timers.forEach((t) => clearTimeout(t));
      timers.clear();
      held = null;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        sockets.forEach((s) => s.destroy());
      });
    },
  };
}

/** The bodies the partner received on `path` (below the base path, e.g. `/payments`), in order. */
export function partnerCalls(server: PartnerServer, path: string): JsonObject[] {
  const relative = path.startsWith(`${BASE_PATH}/`) ? path.slice(BASE_PATH.length) : path;
  return server.received.filter((m) => m.path === relative).map((m) => m.body);
}

function basicUser(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The body as text, or null when it is over the limit. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseObject(text: string | null): JsonObject | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

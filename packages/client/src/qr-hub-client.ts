import { randomUUID } from 'node:crypto';
import { DEFAULT_TIMEOUT_MS, MessageKind, ProtocolHttpClient, ProtocolOutcome } from '@qr-hub/protocol';
import { AdviceKind, AdviceQueue, DEFAULT_QUEUE_FILE, QueuedAdvice } from './advice-queue';
import { AdviceSender } from './advice-sender';
import { ClientLogger, consoleLogger } from './client-logger';
import {
  AdviceFields,
  CreateQrCodeInput,
  Operation,
  PaymentRef,
  PayInput,
  PayOutcome,
  QrHubClientOptions,
  QrHubError,
  ReversalFields,
} from './client-types';
import type {
  CreateQrCodeRequest,
  CreateQrCodeResponse,
  PaymentConfirmation,
  PaymentRequest,
  PaymentResponse,
  PaymentReversal,
} from '@qr-hub/protocol';

const BASE_PATH = '/qr/v1';
const PATHS = { confirmation: '/payments/confirmations', reversal: '/payments/reversals' } as const;
/** Done advices are kept this long for `qr-pos queue --all` and support calls, then forgotten. */
const KEEP_DONE_MS = 7 * 24 * 3_600_000;

/**
 * The retailer's side of the QR Payment Service Interface, with the
 * protocol's client duties built in (protocol basics, docs/protocol.md §2 and §7):
 * the status table and the agreed timeout (`ProtocolHttpClient`), late
 * answers logged and ignored, a timeout reversal for every payment whose
 * outcome is unknown, advices stored durably before they are acknowledged to
 * the caller and repeated until a final answer, UUIDv4 ids, and one retry
 * with a fresh id when the hub says DUPLICATE_RECORD to a new request.
 */
export class QrHubClient {
  private readonly http: ProtocolHttpClient;
  private readonly queue: AdviceQueue;
  private readonly sender: AdviceSender;
  private readonly logger: ClientLogger;
  private readonly timeoutMs: number;
  private readonly waiters = new Map<string, Array<(advice: QueuedAdvice) => void>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: QrHubClientOptions) {
    const url = new URL(options.hubUrl);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowPlainHttp)) {
      throw new Error(`hubUrl must be https (plain http only with allowPlainHttp: true): ${options.hubUrl}`);
    }
    if (!options.username) throw new Error('username is required (the retailer institution id)');
    if (url.pathname === '/' || url.pathname === '') url.pathname = BASE_PATH;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.logger = options.logger ?? consoleLogger;
    this.http = new ProtocolHttpClient({
      baseUrl: url.toString(),
      username: options.username,
      password: options.password,
      ca: options.ca,
      rejectUnauthorized: options.rejectUnauthorized,
      timeoutMs: this.timeoutMs,
      connections: options.connections ?? 8,
      peerLabel: 'Hub',
    });
    this.queue = new AdviceQueue(options.queueFile ?? DEFAULT_QUEUE_FILE);
    this.sender = new AdviceSender({
      queue: this.queue,
      clientId: options.username,
      deliver: (advice) =>
        this.exchange(
          advice.kind === 'confirmation' ? 'confirm' : 'reverse',
          PATHS[advice.kind],
          advice.body,
          advice.kind,
        ),
      // Longer than one attempt can take, so a live sender never loses its claim mid-send.
      leaseMs: this.timeoutMs + 5_000,
      logger: this.logger,
      onSettled: (advice) => this.settled(advice),
      retry: options.retry,
    });
  }

  /** The queue file in use. */
  get queueFile(): string {
    return this.queue.file;
  }

  /**
   * Starts delivering queued advices, those left by a previous run at once
   * (their backoff is reset: the POS was down, not the hub). Call it when the
   * POS starts; `pay`, `confirm` and `reverse` start it too.
   */
  start(): void {
    this.assertOpen();
    this.queue.purgeDone(KEEP_DONE_MS);
    this.queue.makeDueNow(this.options.username);
    this.sender.start();
  }

  /** Asks the hub for a QR code. Throws `QrHubError` unless it was created. */
  async createQrCode(input: CreateQrCodeInput): Promise<CreateQrCodeResponse> {
    const send = (): CreateQrCodeRequest => ({ ...input, id: randomUUID(), time: input.time ?? now() });
    const { outcome } = await this.track(this.withFreshIdOnDuplicate('createQrCode', '/qrCodes', send));
    if (outcome.kind === 'successful') {
      const body = outcome.body as Partial<CreateQrCodeResponse> | null;
      if (typeof body?.tranId === 'string' && typeof body.qrCode === 'string') return body as CreateQrCodeResponse;
      throw new QrHubError('createQrCode: answer has no tranId/qrCode', 'unknown', outcome.status);
    }
    if (outcome.kind === 'failed') {
      const { errorType, errorMessage } = outcome.error;
      throw new QrHubError(`createQrCode: ${errorType}: ${errorMessage}`, 'failed', outcome.status, outcome.error);
    }
    throw new QrHubError(`createQrCode: no final answer (${outcome.reason})`, 'unknown', outcome.status);
  }

  /**
   * Pays against a QR code. The hub holds the call until the customer's
   * wallet scans the code (up to its scan wait). When the outcome is unknown
   * the timeout reversal is already queued when this returns.
   */
  pay(input: PayInput): Promise<PayOutcome> {
    this.startIfIdle();
    // Tracked as a whole, so close() waits until an unknown outcome's reversal is on disk.
    return this.track(this.payOnce(input));
  }

  private async payOnce(input: PayInput): Promise<PayOutcome> {
    const send = (): PaymentRequest => ({ ...input, id: randomUUID(), time: input.time ?? now() });
    const { message, outcome } = await this.withFreshIdOnDuplicate('pay', '/payments', send);
    const requestId = message.id;
    switch (outcome.kind) {
      case 'successful':
        return { outcome: 'approved', requestId, response: outcome.body as unknown as PaymentResponse };
      case 'failed':
        return { outcome: 'declined', requestId, status: outcome.status, error: outcome.error };
      case 'unknown': {
        // Protocol basics: a payment whose outcome is unknown is reversed; the sale has failed.
        const reversal = this.enqueue('reversal', this.reversal(message, { reversalReason: 'TIMEOUT' }));
        this.logger.warn(`payment ${requestId}: no final answer (${outcome.reason}); timeout reversal queued`);
        return { outcome: 'unknown', requestId, reason: outcome.reason, reversalQueued: true, reversal };
      }
    }
  }

  /** Queues a confirmation of an approved payment; it is on disk when this returns, and sent in the background. */
  async confirm(payment: PaymentRef, fields: AdviceFields = {}): Promise<QueuedAdvice> {
    this.startIfIdle();
    const advice: PaymentConfirmation = { ...adviceBase(payment), ...fields, id: randomUUID() };
    return this.enqueue('confirmation', advice);
  }

  /** Queues a reversal (default reason CANCELLED); on disk when this returns, sent in the background. */
  async reverse(payment: PaymentRef, fields: ReversalFields = {}): Promise<QueuedAdvice> {
    this.startIfIdle();
    return this.enqueue('reversal', this.reversal(payment, fields));
  }

  /** This retailer's advices not yet done: pending (being repeated) and parked (refused; for a person). */
  pendingAdvices(): QueuedAdvice[] {
    return this.queue.list({ clientId: this.options.username });
  }

  /** One queued advice by id, in its current state. */
  advice(id: string): QueuedAdvice | undefined {
    return this.queue.get(id);
  }

  /** Resolves when the advice is done or parked, or with its current state after `timeoutMs`. */
  waitForAdvice(id: string, timeoutMs = this.timeoutMs): Promise<QueuedAdvice | undefined> {
    const current = this.queue.get(id);
    if (!current || current.status !== 'pending') return Promise.resolve(current);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(this.closed ? current : this.queue.get(id)), timeoutMs);
      const done = (advice: QueuedAdvice | undefined): void => {
        clearTimeout(timer);
        const list = this.waiters.get(id)?.filter((w) => w !== done);
        if (list?.length) this.waiters.set(id, list);
        else this.waiters.delete(id);
        resolve(advice);
      };
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), done]);
    });
  }

  /**
   * Sends every pending advice now and keeps repeating until none is pending
   * or `timeoutMs` has passed; returns those still pending (for a POS that
   * closes for the day, or `qr-pos flush`).
   */
  async flush(timeoutMs = this.timeoutMs): Promise<QueuedAdvice[]> {
    this.start();
    this.sender.kick();
    const until = Date.now() + timeoutMs;
    const pending = (): QueuedAdvice[] => this.queue.list({ clientId: this.options.username, statuses: ['pending'] });
    while (pending().length > 0 && Date.now() < until) await sleep(50);
    return pending();
  }

  /**
   * Stops the sender and closes the connections and the queue file. Calls in
   * flight get `graceMs` to finish; an advice cut off is simply sent again
   * on the next start (the hub treats a repeat as the same advice).
   */
  async close(graceMs = 1_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopping = this.sender.stop();
    await Promise.race([Promise.allSettled([stopping, ...this.inFlight]), sleep(graceMs, true)]);
    await this.http.close(0);
    await Promise.allSettled([stopping, ...this.inFlight]);
    this.queue.close();
  }

  /** Sends a new request; on DUPLICATE_RECORD once more with a fresh id (protocol: the id was taken, not the sale). */
  private async withFreshIdOnDuplicate<T extends { id: string }>(
    operation: Operation,
    path: string,
    build: () => T,
  ): Promise<{ message: T; outcome: ProtocolOutcome }> {
    let message = build();
    let outcome = await this.exchange(operation, path, message, 'request');
    if (outcome.kind === 'failed' && outcome.error.errorType === 'DUPLICATE_RECORD') {
      this.logger.warn(`${operation} ${message.id}: DUPLICATE_RECORD; retrying once with a fresh id`);
      message = build();
      outcome = await this.exchange(operation, path, message, 'request');
    }
    return { message, outcome };
  }

  private async exchange(operation: Operation, path: string, message: { id: string }, kind: MessageKind) {
    this.options.onRequest?.({ operation, path, message });
    const started = Date.now();
    const outcome = await this.http.post(path, message, kind, {
      onLateAnswer: (late) => {
        this.logger.warn(
          `late answer to ${operation} ${message.id} after the ${this.timeoutMs} ms timeout: ` +
            `${late.status} (${late.outcome}); ignored`,
        );
        this.options.onLateAnswer?.({ operation, messageId: message.id, ...late });
      },
    });
    this.options.onExchange?.({ operation, path, message, outcome, durationMs: Date.now() - started });
    return outcome;
  }

  private reversal(payment: PaymentRef, fields: ReversalFields): PaymentReversal {
    return { reversalReason: 'CANCELLED', ...adviceBase(payment), ...fields, id: randomUUID() };
  }

  /* No closed check: a pay cut short by close() must still get its reversal on disk (the file closes last). */
  private enqueue(kind: AdviceKind, body: PaymentConfirmation | PaymentReversal): QueuedAdvice {
    const advice = this.queue.enqueue(kind, this.options.username, body);
    this.sender.kick();
    return advice;
  }

  private settled(advice: QueuedAdvice): void {
    for (const resolve of this.waiters.get(advice.id) ?? []) resolve(advice);
  }

  private startIfIdle(): void {
    this.assertOpen();
    this.sender.start();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('QrHubClient is closed');
  }
}

/** The fields an advice copies from its payment. */
function adviceBase(payment: PaymentRef): Omit<PaymentConfirmation, 'id'> {
  const ref = typeof payment === 'string' ? { id: payment } : payment;
  return {
    requestId: ref.id,
    time: now(),
    // Identifiers set by others are passed on unaltered (swagger ThirdPartyIdentifier).
    thirdPartyIdentifiers: ref.thirdPartyIdentifiers ?? [],
    ...(ref.tranId !== undefined && { tranId: ref.tranId }),
    ...(ref.partner !== undefined && { partner: ref.partner }),
  };
}

function now(): string {
  return new Date().toISOString();
}

/** `unref`: a timer that must not keep the process alive by itself (close()'s grace). */
function sleep(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}

/**
 * The POS simulator's commands, built only on the client library's public
 * API, so they double as a worked example of integrating a POS.
 */
import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { AdviceQueue, QueuedAdvice } from '../advice-queue';
import type { Exchange, QrHubClientOptions } from '../client-types';
import { QrHubClient } from '../qr-hub-client';
import { demoTill, formatAmount, paymentFor, playSandboxScan, qrCodeFor, ZAR } from './demo-sale';

/** Everything a command needs, resolved from flags, environment and defaults. */
export interface PosSettings {
  hubUrl: string;
  user: string;
  password: string;
  /** PEM text of the CA to trust, if any. */
  ca?: string;
  insecure: boolean;
  queueFile: string;
  timeoutMs: number;
  /** Print only status lines, not whole messages. */
  brief: boolean;
}

/** What `pay` does after the QR code is shown. */
export interface PayCommand {
  amount: number;
  currency: string;
  reverse: boolean;
  sandboxScan?: { partnerId: string; password: string; delayMs: number };
}

/** Exit codes: the sale's outcome, so scripts can branch on it. */
export const EXIT = { ok: 0, error: 1, declined: 2, unknown: 3, undelivered: 4 } as const;

type Print = (line: string) => void;

function clientOptions(s: PosSettings, print: Print): QrHubClientOptions {
  return {
    hubUrl: s.hubUrl,
    username: s.user,
    password: s.password,
    ca: s.ca,
    rejectUnauthorized: !s.insecure,
    allowPlainHttp: true,
    timeoutMs: s.timeoutMs,
    queueFile: s.queueFile,
    onRequest: (r) => print(`→ ${r.operation} POST ${r.path}${s.brief ? '' : `\n${json(r.message)}`}`),
    onExchange: (e) => printAnswer(e, s.brief, print),
    logger: { info: () => undefined, warn: (m) => print(`! ${m}`), error: (m) => print(`!! ${m}`) },
  };
}

function printAnswer(e: Exchange, brief: boolean, print: Print): void {
  const { outcome } = e;
  const status = 'status' in outcome && outcome.status !== undefined ? `${outcome.status} ` : '';
  const why = outcome.kind === 'unknown' ? ` (${outcome.reason})` : '';
  const body = outcome.kind === 'unknown' || brief || outcome.body === null ? '' : `\n${json(outcome.body)}`;
  print(`← ${e.operation} ${status}${outcome.kind}${why} in ${e.durationMs} ms${body}`);
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** `qr-pos pay`: QR code, payment (held by the hub until the scan), then confirmation or reversal. */
export async function payCommand(s: PosSettings, cmd: PayCommand, print: Print): Promise<number> {
  const client = new QrHubClient(clientOptions(s, print));
  try {
    client.start();
    const till = demoTill(s.user);
    const amount = { amount: cmd.amount, currency: cmd.currency };
    const saleRef = `SIM-${randomUUID().slice(0, 8)}`;
    const qr = await client.createQrCode(qrCodeFor(till, amount, saleRef));
    print(
      `\nQR code for ${formatAmount(cmd.amount)}${cmd.currency === ZAR ? ' ZAR' : ` (${cmd.currency})`}, tranId ${qr.tranId}:`,
    );
    print(await QRCode.toString(qr.qrCode, { type: 'terminal', small: true }));
    print(`payload ${qr.qrCode}\n`);

    let scan: Promise<void> | undefined;
    if (cmd.sandboxScan) {
      const { partnerId, password, delayMs } = cmd.sandboxScan;
      print(`(the sandbox wallet "${partnerId}" scans in ${delayMs} ms)`);
      scan = sleep(delayMs)
        .then(() => playSandboxScan(scanTarget(s, partnerId, password), qr.tranId))
        .then((o) => print(`  scan by ${partnerId}: ${'status' in o ? `${o.status} ` : ''}${o.kind}`));
    } else {
      print(`Waiting for a wallet to scan tranId ${qr.tranId} (the hub holds the payment until then)…`);
    }
    const paid = await client.pay(paymentFor(till, amount, saleRef, qr.tranId));
    await scan?.catch((err: Error) => print(`  scan failed: ${err.message}`));

    let advice: QueuedAdvice;
    let code: number;
    switch (paid.outcome) {
      case 'declined':
        print(`\nDECLINED: ${paid.error.errorType} — ${paid.error.errorMessage}`);
        return EXIT.declined;
      case 'unknown':
        print(`\nUNKNOWN (${paid.reason}): the sale failed; timeout reversal ${paid.reversal.id} queued`);
        advice = paid.reversal;
        code = EXIT.unknown;
        break;
      case 'approved': {
        const approved = paid.response.amounts.approvedAmount?.amount ?? cmd.amount;
        print(`\nAPPROVED by ${paid.response.partner.id}: ${formatAmount(approved)}`);
        advice = cmd.reverse ? await client.reverse(paid.response) : await client.confirm(paid.response);
        print(`${advice.kind} ${advice.id} stored in ${client.queueFile}; delivering…`);
        code = EXIT.ok;
        break;
      }
    }
    const final = await client.waitForAdvice(advice.id, s.timeoutMs);
    print(describeAdvice(final ?? advice));
    return final?.status === 'pending' ? EXIT.undelivered : code;
  } finally {
    await client.close();
  }
}

function scanTarget(s: PosSettings, partnerId: string, password: string) {
  const base = new URL(s.hubUrl);
  if (base.pathname === '/' || base.pathname === '') base.pathname = '/qr/v1';
  return {
    hubBaseUrl: base.toString(),
    partnerId,
    password,
    ca: s.ca,
    rejectUnauthorized: !s.insecure,
    timeoutMs: s.timeoutMs,
  };
}

/** `qr-pos queue`: the advices in the queue file that are not done (all of them with `all`). */
export function queueCommand(s: PosSettings, all: boolean, print: Print): number {
  const queue = new AdviceQueue(s.queueFile);
  try {
    const advices = queue.list({ statuses: all ? ['pending', 'parked', 'done'] : ['pending', 'parked'] });
    print(`${advices.length} advice(s) in ${s.queueFile}${all ? '' : ' not yet done'}`);
    for (const advice of advices) print(describeAdvice(advice));
    return EXIT.ok;
  } finally {
    queue.close();
  }
}

/** `qr-pos flush`: send every pending advice of this retailer now; wait up to `waitMs` for final answers. */
export async function flushCommand(s: PosSettings, waitMs: number, print: Print): Promise<number> {
  const client = new QrHubClient(clientOptions(s, print));
  try {
    const before = client.pendingAdvices().filter((a) => a.status === 'pending');
    print(`${before.length} pending advice(s) of ${s.user} in ${s.queueFile}`);
    const left = await client.flush(waitMs);
    for (const advice of before) print(describeAdvice(client.advice(advice.id) ?? advice));
    return left.length === 0 ? EXIT.ok : EXIT.undelivered;
  } finally {
    await client.close();
  }
}

function describeAdvice(a: QueuedAdvice): string {
  const answer = a.lastStatus === null ? '' : ` last answer ${a.lastStatus}`;
  const error = a.lastError ? ` (${a.lastError})` : '';
  const next = a.status === 'pending' ? ` next attempt ${new Date(a.nextAttemptAt).toISOString()}` : '';
  return `  ${a.status.toUpperCase().padEnd(7)} ${a.kind.padEnd(12)} ${a.id} of payment ${a.requestId} [${a.clientId}] attempts ${a.attempts}${answer}${error}${next}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

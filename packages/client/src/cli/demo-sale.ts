/**
 * The messages the POS simulator sends: a demo till of the retailer whose
 * credentials it runs with, and the sandbox wallet's scan it can play.
 */
import { randomUUID } from 'node:crypto';
import { ProtocolHttpClient, ProtocolOutcome } from '@qr-hub/protocol';
import type { Institution, LedgerAmount, Originator, ScanNotification } from '@qr-hub/protocol';
import type { CreateQrCodeInput, PayInput } from '../client-types';

/** ISO 4217 numeric code of the South African rand, the demo hub's currency. */
export const ZAR = '710';

/**
 * "12.50" → 1250 minor units. Strict: money is never parsed through a float,
 * and a third decimal is refused rather than rounded.
 */
export function parseAmount(text: string): number {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error(`--amount must look like 12.50 (got ${JSON.stringify(text)})`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 1250 → "12.50". */
export function formatAmount(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** A till of retailer `clientId`. */
export interface DemoTill {
  client: Institution;
  originator: Originator;
}

export function demoTill(clientId: string, terminalId = 'TERM0001'): DemoTill {
  const institution = { id: clientId, name: 'QR POS simulator' };
  return {
    client: institution,
    originator: {
      institution,
      terminalId,
      merchant: {
        merchantType: '5411',
        merchantId: 'MERCHANT0000001',
        merchantName: { name: 'Demo Store', city: 'Cape Town', region: 'WC', country: 'ZA' },
      },
    },
  };
}

/** A single-use QR code for exactly `amount`. */
export function qrCodeFor(till: DemoTill, amount: LedgerAmount, saleRef: string): CreateQrCodeInput {
  return {
    ...till,
    thirdPartyIdentifiers: [{ institutionId: till.client.id, transactionIdentifier: saleRef }],
    amounts: { requestAmount: amount },
    qrProperties: { value: amount, singleUse: true, overPaymentAllowed: false, partPaymentAllowed: false },
  };
}

/** The payment for the code `tranId`. */
export function paymentFor(till: DemoTill, amount: LedgerAmount, saleRef: string, tranId: string): PayInput {
  return {
    ...till,
    thirdPartyIdentifiers: [{ institutionId: till.client.id, transactionIdentifier: saleRef }],
    tranType: 'GOODS_AND_SERVICES',
    amounts: { requestAmount: amount },
    tranId,
  };
}

/** Where and as whom the sandbox wallet's scan is sent. */
export interface SandboxScanOptions {
  hubBaseUrl: string;
  partnerId: string;
  password: string;
  ca?: string;
  rejectUnauthorized: boolean;
  timeoutMs: number;
}

/**
 * Plays the partner: tells the hub that the sandbox wallet's customer scanned
 * `tranId`. A scan that comes before the hub has stored the payment is
 * declined (docs/protocol.md §6), so it is repeated briefly while the payment is on its way.
 */
export async function playSandboxScan(options: SandboxScanOptions, tranId: string): Promise<ProtocolOutcome> {
  const http = new ProtocolHttpClient({
    baseUrl: options.hubBaseUrl,
    username: options.partnerId,
    password: options.password,
    ca: options.ca,
    rejectUnauthorized: options.rejectUnauthorized,
    timeoutMs: options.timeoutMs,
    connections: 1,
    peerLabel: 'Hub',
  });
  try {
    for (let attempt = 1; ; attempt++) {
      const scan: ScanNotification = {
        id: randomUUID(),
        time: new Date().toISOString(),
        partner: { id: options.partnerId, name: 'Sandbox Wallet' },
        thirdPartyIdentifiers: [],
        tranId,
        partnerPaymentToken: `sandbox-${randomUUID()}`,
      };
      // Judged like an advice: the hub's success is 202 with an empty body (docs/protocol.md §1), and 404 is a failure.
      const outcome = await http.post('/scans', scan, 'confirmation');
      const tooEarly = outcome.kind === 'failed' && outcome.error.errorType === 'UNABLE_TO_LOCATE_RECORD';
      if (!tooEarly || attempt >= 20) return outcome;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await http.close(0);
  }
}

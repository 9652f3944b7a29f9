/**
 * The retailer client library of the QR payment hub: everything a POS needs
 * to speak the Electrum QR Payment Service Interface correctly. No NestJS.
 *
 * ```ts
 * import { QrHubClient } from '@qr-hub/client';
 * const hub = new QrHubClient({ hubUrl: 'https://hub:8443', username: '1234', password, ca });
 * hub.start();
 * const qr = await hub.createQrCode({ originator, client, qrProperties: { value: { amount: 1250, currency: '710' } } });
 * const paid = await hub.pay({ originator, client, thirdPartyIdentifiers: [], amounts, tranId: qr.tranId });
 * if (paid.outcome === 'approved') await hub.confirm(paid.response);
 * ```
 *
 * See docs/integrating-a-pos.md.
 */
export { QrHubClient } from './qr-hub-client';
export { QrHubError } from './client-types';
export type {
  AdviceFields,
  CreateQrCodeInput,
  Exchange,
  LateAnswerEvent,
  Operation,
  PaymentRef,
  PayInput,
  PayOutcome,
  QrHubClientOptions,
  ReversalFields,
} from './client-types';
export { AdviceQueue, DEFAULT_QUEUE_FILE } from './advice-queue';
export type { AdviceKind, AdviceQueueOptions, AdviceStatus, QueuedAdvice } from './advice-queue';
export type { AdviceRetryOptions } from './advice-sender';
export { consoleLogger, silentLogger } from './client-logger';
export type { ClientLogger } from './client-logger';
// The interface itself, from @qr-hub/protocol: a POS needs only this package.
export type {
  AccountType,
  Address,
  Amounts,
  Barcode,
  BasicAdvice,
  CreateQrCodeRequest,
  CreateQrCodeResponse,
  Customer,
  ErrorDetail,
  ErrorTypeName,
  Institution,
  LedgerAmount,
  Merchant,
  MerchantName,
  Originator,
  PaymentConfirmation,
  PaymentRequest,
  PaymentResponse,
  PaymentReversal,
  QrProperties,
  QrScheme,
  ReversalReason,
  ScanNotification,
  SlipData,
  SlipLine,
  Tender,
  TenderAccountType,
  TenderType,
  ThirdPartyIdentifier,
  TranType,
} from '@qr-hub/protocol';
export { backoffDelay, classifyStatus, DEFAULT_TIMEOUT_MS, ProtocolHttpClient } from '@qr-hub/protocol';
export type {
  MessageKind,
  OutcomeClass,
  ProtocolClientOptions,
  ProtocolLateAnswer,
  ProtocolOutcome,
  PostOptions,
} from '@qr-hub/protocol';

import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentResponse } from '@app/common/dto/payment-response';
import type { ThirdPartyIdentifierDto } from '@app/common/dto/third-party-identifier.dto';
import type { JsonObject } from '@app/persistence/column-types';
import { upstreamAdvice, type AdvisedPayment } from '@qr-hub/connector-kit';
import type { Amounts, ReversalReason } from '@qr-hub/protocol';
import type { Payment } from './payment.entity';

/** The hub's own identity upstream (config `hub`). */
export interface HubIdentity {
  institutionId: string;
  name: string;
}

export interface PartnerRef {
  id: string;
  name: string;
}

/**
 * The hub's PaymentRequest to the partner (docs/protocol.md §5.5): the hub is the client
 * now, so a new id and the hub as `client`; the retailer's identifiers plus the
 * hub's own; partner and token from the scan. Deterministic, so the same
 * message can be rebuilt after a crash for its timeout reversal.
 */
export function buildUpstreamRequest(
  retailer: PaymentRequestDto,
  hub: HubIdentity,
  partner: PartnerRef,
  upstreamId: string,
  time: string,
  partnerPaymentToken?: string | null,
): JsonObject {
  const message: JsonObject = {
    ...withoutUndefined(retailer as unknown as JsonObject),
    id: upstreamId,
    time,
    client: { id: hub.institutionId, name: hub.name },
    thirdPartyIdentifiers: upstreamIdentifiers(retailer, hub),
    partner: { id: partner.id, name: partner.name },
  };
  delete message.partnerPaymentToken;
  const token = partnerPaymentToken ?? retailer.partnerPaymentToken;
  if (token) message.partnerPaymentToken = token;
  return message;
}

export function upstreamIdentifiers(retailer: PaymentRequestDto, hub: HubIdentity): ThirdPartyIdentifierDto[] {
  const own = { institutionId: hub.institutionId, transactionIdentifier: retailer.id };
  return [...(retailer.thirdPartyIdentifiers ?? []).filter((t) => t.institutionId !== hub.institutionId), own];
}

/**
 * The retailer's PaymentResponse (docs/protocol.md §5.5): its own request id and fields,
 * the partner that processed it, and what the partner approved.
 */
export function buildPaymentResponse(
  retailer: PaymentRequestDto,
  partnerResponse: JsonObject,
  partner: PartnerRef,
  approvedAmount: number,
  time: string,
  hub: HubIdentity,
): PaymentResponse {
  const requested = retailer.amounts.requestAmount!;
  const partnerAmounts = (partnerResponse.amounts ?? {}) as JsonObject;
  const response: PaymentResponse = {
    ...(withoutUndefined(retailer as unknown as JsonObject) as unknown as PaymentResponse),
    id: retailer.id,
    time,
    partner: { id: partner.id, name: partner.name },
    thirdPartyIdentifiers: mergeIdentifiers(upstreamIdentifiers(retailer, hub), partnerResponse.thirdPartyIdentifiers),
    amounts: {
      ...(partnerAmounts as PaymentResponse['amounts']),
      requestAmount: requested,
      approvedAmount: { amount: approvedAmount, currency: requested.currency },
    },
  };
  delete response.partnerPaymentToken;
  if (retailer.partnerPaymentToken) response.partnerPaymentToken = retailer.partnerPaymentToken;
  if (Array.isArray(partnerResponse.tenders)) response.tenders = partnerResponse.tenders as PaymentResponse['tenders'];
  if (isObject(partnerResponse.slipData)) response.slipData = partnerResponse.slipData as PaymentResponse['slipData'];
  for (const key of ['settlementEntity', 'receiver'] as const) {
    const institution = partnerResponse[key];
    if (isObject(institution)) response[key] = institution as unknown as PaymentResponse[typeof key];
  }
  return response;
}

/**
 * An advice to the partner, rewritten to reference the hub's upstream request
 * (docs/protocol.md §7). `thirdPartyIdentifiers` is the partner's response array when it
 * sent one, else what the hub sent (swagger PaymentConfirmation/Reversal).
 */
export function buildUpstreamAdvice(
  kind: 'CONFIRMATION' | 'REVERSAL',
  payment: Payment,
  adviceId: string,
  time: string,
  hub: HubIdentity,
  extra: { reversalReason?: string; amounts?: unknown; stan?: string; rrn?: string } = {},
): JsonObject {
  const retailer = payment.request as unknown as PaymentRequestDto;
  const partnerIds = (payment.upstreamResponse as JsonObject | null)?.thirdPartyIdentifiers;
  const advised: AdvisedPayment = {
    requestId: payment.upstreamId ?? '',
    tranId: payment.tranId,
    thirdPartyIdentifiers: (Array.isArray(partnerIds)
      ? partnerIds
      : upstreamIdentifiers(retailer, hub)) as AdvisedPayment['thirdPartyIdentifiers'],
    ...(payment.partnerId && { partner: { id: payment.partnerId, name: partnerName(payment) } }),
    stan: extra.stan ?? retailer.stan,
    rrn: extra.rrn ?? retailer.rrn,
  };
  const options = { ...(extra.amounts !== undefined && { amounts: extra.amounts as Amounts }) };
  const advice =
    kind === 'CONFIRMATION'
      ? upstreamAdvice('CONFIRMATION', advised, adviceId, time, options)
      : upstreamAdvice('REVERSAL', advised, adviceId, time, {
          ...options,
          reversalReason: (extra.reversalReason ?? 'CANCELLED') as ReversalReason,
        });
  return advice as unknown as JsonObject;
}

function partnerName(payment: Payment): string {
  const sent = (payment.upstreamRequest as JsonObject | null)?.partner as { name?: string } | undefined;
  return sent?.name ?? payment.partnerId ?? '';
}

function mergeIdentifiers(ours: ThirdPartyIdentifierDto[], theirs: unknown): ThirdPartyIdentifierDto[] {
  if (!Array.isArray(theirs)) return ours;
  const merged = [...ours];
  for (const t of theirs as ThirdPartyIdentifierDto[]) {
    if (!isObject(t) || typeof t.institutionId !== 'string' || typeof t.transactionIdentifier !== 'string') continue;
    if (!merged.some((m) => m.institutionId === t.institutionId)) merged.push(t);
  }
  return merged;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** DTO instances carry every declared property, absent ones as undefined: drop them. */
export function withoutUndefined(value: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

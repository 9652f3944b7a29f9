import { linkToTransaction } from '@app/audit/audit-link';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock } from '@app/clock/clock';
import type { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import type { CreateQrCodeResponse } from '@app/common/dto/create-qr-code-response';
import { TRAN_ID_MAX } from '@app/common/dto/payment-request.dto';
import { FormatError, InvalidAmountError, QrCodeNotFoundError } from '@app/errors/hub-error';
import { Admission } from '@app/partners/admission';
import { buildMerchantQr, EmvTlvError, MerchantQrInput, QrScheme } from './emv-tlv';
import { QrImageFormat, renderQrImage } from './qr-image';
import { QrCode } from './qr-code.entity';
import { QrCodesRepository } from './qr-codes.repository';

const DEFAULT_SCHEME: QrScheme = 'ELECTRUM_MERCHANT_MINIMAL';

/** Issues QR codes (docs/protocol.md §4). */
@Injectable()
export class QrCodesService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repository: QrCodesRepository,
    private readonly admission: Admission,
  ) {}

  async create(request: CreateQrCodeRequestDto): Promise<CreateQrCodeResponse> {
    // An overloaded hub refuses new work before storing anything (src/partners/admission.ts).
    this.admission.admit(undefined);
    const now = this.clock.now();
    const props = request.qrProperties;
    const expiresAt = this.expiry(props.expiryDate, now);
    const scheme = props.scheme ?? DEFAULT_SCHEME;
    const value = props.value ?? request.amounts?.requestAmount;
    // docs/protocol.md §4: 128 random bits, 32 hex chars — unguessable, URL-safe, short to scan.
    const tranId = randomBytes(16).toString('hex');
    const merchant = request.originator.merchant;
    const qrCode = this.encode({
      scheme,
      templateTag: this.config.hub.qr.templateTag,
      providerId: this.config.hub.qr.providerId,
      tranId,
      merchantCategoryCode: merchant?.merchantType,
      currency: value?.currency,
      // docs/protocol.md §4: tag 54 only when qrProperties.value is set; requestAmount alone leaves
      // the amount to the wallet's display of the payment, not to the code.
      amountMinor: props.value?.amount,
      countryCode: merchant?.merchantName?.country,
      merchantName: merchant?.merchantName?.name,
      merchantCity: merchant?.merchantName?.city,
    });

    const record: QrCode = {
      tranId,
      requestId: request.id,
      clientId: request.client.id,
      terminalId: request.originator.terminalId,
      merchantId: merchant?.merchantId ?? null,
      amount: value?.amount ?? null,
      currency: value?.currency ?? null,
      overPaymentAllowed: props.overPaymentAllowed ?? false,
      partPaymentAllowed: props.partPaymentAllowed ?? false,
      singleUse: props.singleUse ?? false,
      scheme,
      qrCode,
      expiryText: props.expiryDate ?? null,
      expiresAt,
      paidByPaymentId: null,
      createdAt: now,
    };
    await this.repository.insert(record);
    linkToTransaction(tranId);

    return {
      id: request.id,
      time: new Date(now).toISOString(),
      originator: request.originator,
      client: request.client,
      thirdPartyIdentifiers: [
        ...(request.thirdPartyIdentifiers ?? []),
        { institutionId: this.config.hub.hub.institutionId, transactionIdentifier: tranId },
      ],
      ...(request.rrn !== undefined && { rrn: request.rrn }),
      ...(request.stan !== undefined && { stan: request.stan }),
      ...(request.amounts !== undefined && { amounts: request.amounts }),
      ...(request.customer !== undefined && { customer: request.customer }),
      qrProperties: {
        ...props,
        scheme,
        singleUse: record.singleUse,
        overPaymentAllowed: record.overPaymentAllowed,
        partPaymentAllowed: record.partPaymentAllowed,
        expiryDate: props.expiryDate ?? new Date(expiresAt).toISOString(),
      },
      tranId,
      qrCode,
    };
  }

  /**
   * The image of a code for the retailer that created it (docs/protocol.md §11). Another
   * retailer's code is answered exactly like an unknown one (docs/protocol.md §3).
   */
  async image(tranId: string, clientId: string, format: QrImageFormat): Promise<Buffer | string> {
    // No tranId is that long or holds a NUL (PostgreSQL could not even compare it): unknown.
    const plausible = tranId.length <= TRAN_ID_MAX && !tranId.includes('\u0000');
    const code = plausible ? await this.repository.findByTranId(tranId) : null;
    if (!code || code.clientId !== clientId) {
      throw new QrCodeNotFoundError(plausible ? { tranId } : {});
    }
    linkToTransaction(code.tranId);
    return renderQrImage(code.qrCode, format);
  }

  /** A request the EMVCo format cannot carry is the request's fault: 400, never 500. */
  private encode(input: MerchantQrInput): string {
    try {
      return buildMerchantQr(input);
    } catch (error) {
      if (!(error instanceof EmvTlvError)) throw error;
      if (/amount/i.test(error.message)) throw new InvalidAmountError('Amount too large for a QR code');
      throw new FormatError('Cannot encode QR code', [
        {
          messageProperty: 'CreateQrCodeRequest',
          field: 'qrProperties.scheme',
          error: error.message,
          invalidValue: input.scheme,
        },
      ]);
    }
  }

  private expiry(expiryDate: string | undefined, now: number): number {
    if (expiryDate === undefined) return now + this.config.hub.qr.defaultTtlSeconds * 1000;
    const at = Date.parse(expiryDate);
    if (!(at > now)) {
      throw new FormatError('expiryDate must be in the future', [
        {
          messageProperty: 'CreateQrCodeRequest',
          field: 'qrProperties.expiryDate',
          error: 'expiryDate must be a future date-time',
          invalidValue: expiryDate,
        },
      ]);
    }
    return at;
  }
}

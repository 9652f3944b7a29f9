import type { AmountsDto, LedgerAmountDto } from '@app/common/dto/amounts.dto';
import type { InstitutionDto } from '@app/common/dto/institution.dto';
import type { OriginatorDto } from '@app/common/dto/originator.dto';
import type { AccountType, TranType } from '@app/common/dto/payment-request.dto';
import type { SlipDataDto } from '@app/common/dto/slip-data.dto';
import type { TenderAccountType, TenderType } from '@app/common/dto/tender.dto';
import type { ThirdPartyIdentifierDto } from '@app/common/dto/third-party-identifier.dto';

/** Swagger `Tender`: how the customer paid. `TenderDto` validates a partner's copy. */
export interface Tender {
  accountType?: TenderAccountType;
  amount: LedgerAmountDto;
  /** Masked: first 6 digits in clear at most; never logged beyond them (docs/protocol.md §3). */
  cardNumber?: string;
  /** At most 40 characters. */
  reference?: string;
  tenderType: TenderType;
}

/**
 * Swagger `PaymentResponse` (201 to `POST /payments`, docs/protocol.md §5): the partner's
 * approval, relayed to the retailer with the retailer's own request `id`.
 */
export interface PaymentResponse {
  id: string;
  /** RFC 3339 date-time. */
  time: string;
  originator: OriginatorDto;
  client: InstitutionDto;
  settlementEntity?: InstitutionDto;
  receiver?: InstitutionDto;
  thirdPartyIdentifiers: ThirdPartyIdentifierDto[];
  slipData?: SlipDataDto;
  basketRef?: string;
  tranType?: TranType;
  srcAccType?: AccountType;
  destAccType?: AccountType;
  stan?: string;
  rrn?: string;
  /** Required in a response: the partner that processed the payment. */
  partner: InstitutionDto;
  tenders?: Tender[];
  amounts: AmountsDto;
  tranId: string;
  partnerPaymentToken?: string;
}

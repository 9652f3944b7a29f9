import type { AmountsDto } from '@app/common/dto/amounts.dto';
import type { CustomerDto } from '@app/common/dto/customer.dto';
import type { InstitutionDto } from '@app/common/dto/institution.dto';
import type { OriginatorDto } from '@app/common/dto/originator.dto';
import type { QrPropertiesDto } from '@app/common/dto/qr-properties.dto';
import type { ThirdPartyIdentifierDto } from '@app/common/dto/third-party-identifier.dto';

/**
 * Swagger `CreateQrCodeResponse` (201 to `POST /qrCodes`). The hub builds it,
 * so it is a plain type; the nested shapes are those of the request DTOs
 * (used as types only, a plain object literal fits them).
 */
export interface CreateQrCodeResponse {
  /** The retailer's request `id`, echoed (docs/protocol.md §2). */
  id: string;
  /** RFC 3339 date-time. */
  time: string;
  originator: OriginatorDto;
  client: InstitutionDto;
  thirdPartyIdentifiers?: ThirdPartyIdentifierDto[];
  rrn?: string;
  stan?: string;
  amounts?: AmountsDto;
  customer?: CustomerDto;
  /** `expiryDate` is echoed as an RFC 3339 string (docs/protocol.md §4). */
  qrProperties: QrPropertiesDto;
  /** Unguessable, URL-safe id of this QR code (docs/protocol.md §4). */
  tranId: string;
  /** The EMVCo TLV payload to render as a QR code (docs/protocol.md §4). */
  qrCode: string;
}

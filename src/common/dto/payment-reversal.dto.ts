import { IsIn } from 'class-validator';
import { BasicAdviceDto } from '@app/common/dto/payment-confirmation.dto';

export const REVERSAL_REASONS = ['TIMEOUT', 'CANCELLED', 'RESPONSE_NOT_FINAL'] as const;
export type ReversalReason = (typeof REVERSAL_REASONS)[number];

/** Swagger `PaymentReversal` (`POST /payments/reversals`): undo a payment (docs/protocol.md §7). */
export class PaymentReversalDto extends BasicAdviceDto {
  @IsIn(REVERSAL_REASONS)
  reversalReason!: ReversalReason;
}

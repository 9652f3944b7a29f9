import { Advice } from '@app/advices/advice.entity';
import { DeliveryAttempt } from '@app/outbox/delivery-attempt.entity';
import { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import { AuditMessage } from '@app/audit/audit-message.entity';
import { HubInstance } from '@app/instances/hub-instance.entity';
import { Payment } from '@app/lifecycle/payment.entity';
import { QrCode } from '@app/qr-codes/qr-code.entity';
import { Scan } from '@app/scans/scan.entity';

export const ENTITIES = [QrCode, Payment, Scan, Advice, OutboxEntry, DeliveryAttempt, AuditMessage, HubInstance];

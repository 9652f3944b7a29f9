import { Global, Module } from '@nestjs/common';
import { AdvicesRepository } from '@app/advices/advices.repository';
import { PaymentsRepository } from '@app/lifecycle/payments.repository';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { ScansRepository } from '@app/scans/scans.repository';

const REPOSITORIES = [QrCodesRepository, PaymentsRepository, ScansRepository, AdvicesRepository];

/** One repository per aggregate, shared by the modules whose transactions span several (STYLE: persistence). */
@Global()
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class RepositoriesModule {}

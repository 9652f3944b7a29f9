import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OutboxStats } from '@app/advices/saf/outbox-stats';
import { HealthController } from './health.controller';
import { ShutdownState } from './shutdown-state';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ShutdownState, OutboxStats],
  exports: [ShutdownState, OutboxStats],
})
export class HealthModule {}

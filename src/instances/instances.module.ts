import { Global, Module } from '@nestjs/common';
import { HubInstanceService } from './hub-instance.service';

@Global()
@Module({ providers: [HubInstanceService], exports: [HubInstanceService] })
export class InstancesModule {}

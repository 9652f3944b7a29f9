import { Global, Module } from '@nestjs/common';
import { HubInstanceService } from './hub-instance.service';
import { HubInstancesRepository } from './hub-instances.repository';

@Global()
@Module({ providers: [HubInstanceService, HubInstancesRepository], exports: [HubInstanceService] })
export class InstancesModule {}

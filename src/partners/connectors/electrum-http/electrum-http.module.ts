import { Module } from '@nestjs/common';
import { ElectrumHttpConnectorFactory } from './electrum-http.connector';

/** Registers the QR Payment Service Interface connector (`connector: electrum-http`, docs/protocol.md §8). */
@Module({ providers: [ElectrumHttpConnectorFactory] })
export class ElectrumHttpConnectorModule {}

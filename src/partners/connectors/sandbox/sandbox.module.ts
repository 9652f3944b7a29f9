import { Module } from '@nestjs/common';
import { SandboxConnectorFactory } from './sandbox.connector';

/** Registers the in-process simulated partner (`connector: sandbox`, docs/protocol.md §8). */
@Module({ providers: [SandboxConnectorFactory] })
export class SandboxConnectorModule {}

import { Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AppConfig } from '@app/config/app-config';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import { ConfigError } from '@app/config/load-hub-config';
import { HubMetrics } from '@app/metrics/hub-metrics';
import { withCallMetrics } from '@app/metrics/partner-call-metrics';
import { PartnerConnector, PartnerConnectorFactory } from './partner-connector';
import { PartnerConnectorType } from './partner-connector.decorator';

/** A configured partner and the connector that reaches it. */
export interface RegisteredPartner {
  config: PartnerConfig;
  connector: PartnerConnector;
}

/**
 * Builds one connector per configured partner from the connector types
 * discovered at start-up (docs/protocol.md §8). A partner naming an unknown connector, or
 * with settings its connector rejects, stops start-up naming the key.
 */
@Injectable()
export class PartnerRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly partners = new Map<string, RegisteredPartner>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    // Optional so a registry can be built without the metrics module (unit tests).
    @Optional() private readonly metrics?: HubMetrics,
  ) {}

  onModuleInit(): void {
    const factories = new Map<string, PartnerConnectorFactory>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: PartnerConnectorType.KEY })) {
      const name = this.discovery.getMetadataByDecorator(PartnerConnectorType, wrapper);
      if (name && wrapper.instance) factories.set(name, wrapper.instance as PartnerConnectorFactory);
    }
    const problems: string[] = [];
    this.config.hub.partners.forEach((partner, i) => {
      const factory = factories.get(partner.connector);
      if (!factory) {
        problems.push(
          `partners[${i}].connector: unknown connector "${partner.connector}" (known: ${[...factories.keys()].join(', ')})`,
        );
        return;
      }
      const invalid = factory.validate(partner).map((p) => `partners[${i}].${p}`);
      if (invalid.length > 0) return void problems.push(...invalid);
      const connector = factory.create(partner);
      this.partners.set(partner.id, {
        config: partner,
        connector: this.metrics ? withCallMetrics(connector, partner.id, this.metrics) : connector,
      });
    });
    if (problems.length > 0) {
      throw new ConfigError(`Invalid hub config ${this.config.hub.sourcePath}`, problems);
    }
  }

  get(partnerId: string): RegisteredPartner | undefined {
    return this.partners.get(partnerId);
  }

  ids(): string[] {
    return [...this.partners.keys()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.partners.values()].map((p) => p.connector.close?.()));
  }
}

import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { optionHelpers, type ConnectorDefinition, type OptionSources } from '@qr-hub/connector-kit';
import { readFileSync } from 'node:fs';
import { Clock } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import { ConfigError, formatIssuePath } from '@app/config/load-hub-config';
import { ConnectorCatalog } from './connector-catalog';
import { guarded } from './connector-guard';
import { PartnerCallMetrics, withCallMetrics } from './partner-call-metrics';
import type { PartnerConnector } from './partner-connector';

/** A configured partner and the connector that reaches it. */
export interface RegisteredPartner {
  config: PartnerConfig;
  /** The connector type's name (its definition's `type`). */
  type: string;
  /** The connector, guarded (connector-guard.ts) and counted in the metrics. */
  connector: PartnerConnector;
}

/** Used when the config was built in code rather than read from a file (tests). */
const NO_FILE_SOURCES: OptionSources = { env: {}, readFile: (path) => readFileSync(path, 'utf8'), production: false };

/**
 * Builds one connector per configured partner (docs/adding-a-connector.md): finds the
 * connector type (built in, or an installed package), validates the partner's `options`
 * with the connector's own schema, and makes the connector. Every problem of every partner
 * stops start-up in one message, each naming its key and line, as for the rest of the config.
 */
@Injectable()
export class PartnerRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly partners = new Map<string, RegisteredPartner>();
  private readonly logger = new Logger(PartnerRegistry.name);

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly catalog: ConnectorCatalog,
    // Optional so a registry can be built without the metrics module (unit tests).
    @Optional() private readonly metrics?: PartnerCallMetrics,
  ) {}

  onModuleInit(): void {
    const problems: string[] = [];
    this.config.hub.partners.forEach((partner, i) => {
      const found = this.catalog.find(partner.connector);
      if ('problem' in found)
        return void problems.push(`partners[${i}].connector: ${found.problem}${this.line([i, 'connector'])}`);
      const built = this.build(found.definition, partner, i);
      if (Array.isArray(built)) return void problems.push(...built);
      const connector = guarded(built, partner.id, this.logger);
      this.partners.set(partner.id, {
        config: partner,
        type: found.definition.type,
        connector: this.metrics ? withCallMetrics(connector, partner.id, this.metrics) : connector,
      });
    });
    if (problems.length > 0) throw new ConfigError(`Invalid hub config ${this.config.hub.sourcePath}`, problems);
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

  /** The partner's connector, or its problems as `partners[i].<key>: <problem> (line N)`. */
  private build(definition: ConnectorDefinition, partner: PartnerConfig, i: number): PartnerConnector | string[] {
    const sources = this.config.hub.optionSources ?? NO_FILE_SOURCES;
    if (sources.production && definition.allowedInProduction === false) {
      return [
        `partners[${i}].connector: '${partner.id}' uses the ${definition.type} connector, ${definition.description}; not allowed in production${this.line([i, 'connector'])}`,
      ];
    }
    // A connector package's own code may throw (a bug, a helper this hub's kit lacks): named, not a stack trace.
    const failed = (what: string, err: unknown) => [
      `partners[${i}].connector: the ${definition.type} connector's ${what} failed: ${err instanceof Error ? err.message : String(err)}${this.line([i, 'connector'])}`,
    ];
    let parsed: ReturnType<ReturnType<ConnectorDefinition['options']>['safeParse']>;
    try {
      parsed = definition.options(optionHelpers(sources)).safeParse(partner.options);
    } catch (err) {
      return failed('options schema', err);
    }
    if (!parsed.success) {
      return parsed.error.issues.map((issue) => {
        // A key of the earlier flat shape is named where the operator wrote it.
        const flat = partner.flatKeys.includes(issue.path[0] as never);
        const path = [i, ...(flat ? [] : ['options']), ...issue.path];
        return `${formatIssuePath(['partners', ...path])}: ${issue.message}${this.line(path)}`;
      });
    }
    if (partner.flatKeys.length > 0) {
      this.logger.warn(
        `partners[${i}] (${partner.id}): ${partner.flatKeys.join(', ')} beside connector is the earlier config shape; ` +
          `it still works, but move ${partner.flatKeys.length === 1 ? 'it' : 'them'} under options (partners[${i}].options.${partner.flatKeys[0]} …)`,
      );
    }
    const log = (level: 'log' | 'warn' | 'error') => (message: string) =>
      this.logger[level](`partner ${partner.id}: ${message}`);
    try {
      return definition.create(parsed.data, {
        partnerId: partner.id,
        timeoutMs: partner.timeoutMs,
        clock: this.clock,
        log: { info: log('log'), warn: log('warn'), error: log('error') },
        production: sources.production,
      });
    } catch (err) {
      return failed('create()', err);
    }
  }

  private line(path: readonly (string | number)[]): string {
    return this.config.hub.lineOf?.(['partners', ...path]) ?? '';
  }
}

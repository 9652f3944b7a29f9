import type { z } from 'zod';
import type { PartnerConnector } from './connector';
import type { OptionHelpers } from './options';

/**
 * The kit's version a connector was built against. The hub loads a connector only when
 * the major versions match: a major version changes the interface connectors implement.
 */
export const KIT_VERSION = '1.0.0';

/** The major version of a `x.y.z` version string (NaN when it is not one). */
export function majorOf(version: string): number {
  const match = /^(\d+)\.\d+\.\d+/.exec(version);
  return match ? Number(match[1]) : Number.NaN;
}

/** A timer started through the hub's clock. */
export interface TimerHandle {
  readonly id: unknown;
}

/** The hub's clock: tests drive it by hand, so delays and timeouts run on it, not on `setTimeout`. */
export interface ConnectorClock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Where a connector may write a line for the operator (the hub's logger, with the partner named). */
export interface ConnectorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the hub gives a connector when it makes one for a configured partner. */
export interface ConnectorContext {
  /** `partners[].id` */
  partnerId: string;
  /** The partner's timeout (`partners[].timeoutMs` or `timeouts.partnerTimeoutMs`). */
  timeoutMs: number;
  clock: ConnectorClock;
  log: ConnectorLog;
  /** True when the hub runs with NODE_ENV=production. */
  production: boolean;
}

/**
 * A kind of connector, named in config by `partners[].connector`. Made with
 * `defineConnector`, exported by the connector's folder (registered with one line in the
 * hub) or by its own npm package (named in config by the package name).
 */
export interface ConnectorDefinition<Options = unknown> {
  /** The name config uses, e.g. `electrum-http`; for a package, its package name. */
  type: string;
  /** `KIT_VERSION` when the connector was built; the hub checks the major version. */
  kitVersion: string;
  /** One line for `--help`-style listings and error messages. */
  description: string;
  /**
   * The schema of `partners[].options` for this connector, built with the helpers
   * (`secret()`, `pemFile()`, `tls()`, …). The hub validates the operator's options with it
   * at start-up and reports each problem with its key and line.
   */
  options(helpers: OptionHelpers): z.ZodType<Options, z.ZodTypeDef, unknown>;
  /** False refuses the connector in production (a simulated partner). Default true. */
  allowedInProduction?: boolean;
  /** Makes the connector for one partner, from its validated options. */
  create(options: Options, context: ConnectorContext): PartnerConnector;
}

/** Declares a connector type, stamping the kit version it is built against. */
export function defineConnector<Options>(
  definition: Omit<ConnectorDefinition<Options>, 'kitVersion'>,
): ConnectorDefinition<Options> {
  return { ...definition, kitVersion: KIT_VERSION };
}

/** True when `value` looks like a connector definition (a package's export is checked before use). */
export function isConnectorDefinition(value: unknown): value is ConnectorDefinition {
  if (value === null || typeof value !== 'object') return false;
  const d = value as Partial<ConnectorDefinition>;
  return (
    typeof d.type === 'string' &&
    typeof d.kitVersion === 'string' &&
    typeof d.options === 'function' &&
    typeof d.create === 'function'
  );
}

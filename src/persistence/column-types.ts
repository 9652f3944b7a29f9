import type { JsonBody } from '@qr-hub/protocol';
import { ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * PostgreSQL returns BIGINT as a string (it may exceed 2^53); money and epoch
 * milliseconds are validated to stay below 2^53, so they come back as numbers.
 */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** Integer minor units of money (STYLE: money). */
export function moneyColumn(options: ColumnOptions = {}): ColumnOptions {
  return { type: 'bigint', transformer: bigintAsNumber, ...options };
}

/** Epoch milliseconds: compares and sorts the same on SQLite and PostgreSQL. */
export function timeColumn(options: ColumnOptions = {}): ColumnOptions {
  return { type: 'bigint', transformer: bigintAsNumber, ...options };
}

/** JSON kept as text so both databases store the exact message. */
export function jsonColumn(options: ColumnOptions = {}): ColumnOptions {
  return {
    type: 'text',
    transformer: {
      to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
      from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
    },
    ...options,
  };
}

/** A stored message body: the protocol's JSON object (one definition, in @qr-hub/protocol). */
export type JsonObject = JsonBody;

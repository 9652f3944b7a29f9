/** How many payments, and their amount in minor units and as people read it. */
export interface Tally {
  count: number;
  /** Integer minor units (cents): `1250`. */
  amount: number;
  /** Major units with the currency's digits: `12.50`. */
  value: string;
}

/** How a report's rows are grouped. */
export type Grouping = 'partner' | 'retailer' | 'total';

/** One group's figures in one currency for one business day (docs/console/settlement.md). */
export interface SettlementRow {
  grouping: Grouping;
  /** The partner's or retailer's id; `all` on a total row. */
  group: string;
  /** Its name in the hub's config, when it is still configured. */
  name: string | null;
  /** ISO 4217 numeric code as stored (`710`). */
  currency: string;
  /** ISO 4217 alphabetic code (`ZAR`). */
  currencyCode: string;
  /** Digits after the decimal point. */
  minorUnits: number;
  /** Payments approved in the day (by approvedAt), at their approved amount. */
  approved: Tally;
  /** Payments confirmed in the day (by settledAt), at their approved amount. */
  confirmed: Tally;
  /** Approved payments reversed in the day (by settledAt), at their approved amount. */
  reversed: Tally;
  /** Payments whose outcome was unknown and the hub reversed in the day (by settledAt), at the requested amount. */
  timeoutReversals: Tally;
  /** Advices (confirmations, reversals) of the payments settled in the day still waiting to be delivered. */
  advicesPending: number;
  /** Advices of the payments settled in the day the partner refused, parked for an operator. */
  advicesParked: number;
}

/** The settlement report of one business day. */
export interface SettlementReport {
  /** The business day, `YYYY-MM-DD`. */
  day: string;
  /** The zone the day is cut in (`console.timeZone`). */
  timeZone: string;
  /** The local time the business day ends at (`console.businessDayCutoff`). */
  cutoff: string;
  /** The first instant of the day (ISO 8601, UTC). */
  from: string;
  /** The first instant after the day (ISO 8601, UTC): the interval is [from, to). */
  to: string;
  previousDay: string;
  nextDay: string;
  /** Per partner and currency, by partner id. */
  partners: SettlementRow[];
  /** Per retailer and currency, by retailer id. */
  retailers: SettlementRow[];
  /** Every payment of the day per currency. */
  total: SettlementRow[];
}

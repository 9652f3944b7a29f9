import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { RetentionIndexes1767225600000 } from './1767225600000-retention-indexes';
import { LowerCaseMessageIds1767312000000 } from './1767312000000-lower-case-message-ids';
import { PartnerRef1767398400000 } from './1767398400000-partner-ref';
import { ConsoleReports1767571200000 } from './1767571200000-console-reports';

/** Every migration, in order; they run at start-up (STYLE: persistence). */
export const MIGRATIONS = [
  InitialSchema1764201600000,
  RetentionIndexes1767225600000,
  LowerCaseMessageIds1767312000000,
  PartnerRef1767398400000,
  ConsoleReports1767571200000,
];

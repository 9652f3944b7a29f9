import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { RetentionIndexes1767225600000 } from './1767225600000-retention-indexes';
import { LowerCaseMessageIds1767312000000 } from './1767312000000-lower-case-message-ids';

/** Every migration, in order; they run at start-up (STYLE: persistence). */
export const MIGRATIONS = [InitialSchema1764201600000, RetentionIndexes1767225600000, LowerCaseMessageIds1767312000000];

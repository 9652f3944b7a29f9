import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { RetentionIndexes1767225600000 } from './1767225600000-retention-indexes';

/** Every migration, in order; they run at start-up (STYLE: persistence). */
export const MIGRATIONS = [InitialSchema1764201600000, RetentionIndexes1767225600000];

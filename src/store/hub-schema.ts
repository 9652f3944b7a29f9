import type { DatabaseSchema } from '@app/persistence/data-source';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** The hub's tables: every entity, and the migrations that build them (STYLE: persistence). */
export const HUB_SCHEMA: DatabaseSchema = { entities: ENTITIES, migrations: MIGRATIONS };

import type { Role } from '@app/operations/operation';

export type { Role };

/** The authenticated caller: the Basic-auth username is the institution id. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
}

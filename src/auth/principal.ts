/** Who may call the hub (docs/protocol.md §3, §11). */
export type Role = 'retailer' | 'partner' | 'operator';

/** The authenticated caller: the Basic-auth username is the institution id. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
}

import { getMetadataStorage, MetadataStorage } from 'class-validator';
/** A class's rules as class-validator keeps them (its ValidationMetadata type is not exported). */
type Rules = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;
type Grouped = ReturnType<MetadataStorage['groupByPropertyName']>;

const installed = new WeakSet<MetadataStorage>();

/**
 * Remembers what class-validator looks up for every object it validates:
 * the rules of a class (its own and its ancestors', found by filtering every
 * rule of every class and testing `instanceof` against every class) and the
 * same rules grouped by property. The hub's message classes are declared
 * once, at load time, so the answer for a class never changes; class-validator
 * works it out again for each nested object of each request, which was about
 * 3 % of a createQrCode's CPU in the profile (docs/decisions.md, "Cost per
 * payment"). Anything added to the storage later empties the cache, so a
 * class declared after the first validation is still seen.
 *
 * The arrays handed out are shared between calls; class-validator 0.14 only
 * reads them (ValidationExecutor.execute and whitelist).
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (installed.has(storage)) return;
  installed.add(storage);
  let targets = new Map<unknown, Map<string, Rules>>();
  let grouped = new WeakMap<Rules, Grouped>();
  const forget = (): void => {
    targets = new Map();
    grouped = new WeakMap();
  };

  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byOptions = targets.get(target);
    if (!byOptions) targets.set(target, (byOptions = new Map()));
    let rules = byOptions.get(key);
    if (!rules) byOptions.set(key, (rules = lookUp(target, schema, always, strictGroups, groups)));
    return rules;
  };

  const group = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (rules) => {
    let byProperty = grouped.get(rules);
    if (!byProperty) grouped.set(rules, (byProperty = group(rules)));
    return byProperty;
  };

  for (const name of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const add = storage[name].bind(storage) as (value: never) => void;
    storage[name] = ((value: never) => {
      forget();
      add(value);
    }) as never;
  }
}

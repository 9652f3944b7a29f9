import { unknownKeyMessage, type OptionSources } from '@qr-hub/connector-kit';
import { z } from 'zod';
import { isPasswordHash } from '@app/common/password-hash';

/** How an institution's password is known: plaintext from the environment, or a stored scrypt hash. */
export type Secret = { kind: 'plain'; value: string } | { kind: 'scrypt'; hash: string };

/** Who may call the hub (docs/protocol.md §3): the Basic-auth username is `id`. */
export interface InstitutionConfig {
  id: string;
  name: string;
  role: 'retailer' | 'partner' | 'operator' | 'viewer';
  secret: Secret;
}

/** Where payments scanned by a partner go (docs/protocol.md §8, §9). */
export interface PartnerConfig {
  id: string;
  /** A built-in connector type or an installed connector package; the partner registry resolves it. */
  connector: string;
  /** Per-partner override of `timeouts.partnerTimeoutMs`, already resolved. */
  timeoutMs: number;
  /**
   * The connector's settings as written, validated by the connector's own options schema
   * when the partner registry builds the connector (docs/protocol.md §9).
   */
  options: Record<string, unknown>;
  /**
   * Keys written in the earlier flat shape, beside `connector` (`baseUrl`, `username`,
   * `password`, `tls`): moved into `options`, and named where they were written in messages.
   */
  flatKeys: FlatPartnerKey[];
}

/** The partner keys of the earlier flat shape (docs/protocol.md §9), now under `options`. */
/** `limits.maxEventLoopDelayMs` when the file does not set it (the overload benchmark runs with it too). */
export const DEFAULT_MAX_EVENT_LOOP_DELAY_MS = 25;

export const FLAT_PARTNER_KEYS = ['baseUrl', 'username', 'password', 'tls'] as const;
export type FlatPartnerKey = (typeof FLAT_PARTNER_KEYS)[number];

/** How the operations console shows times and where its settlement report cuts a business day. */
export interface ConsoleConfig {
  /** IANA time zone every time in the console and its reports is shown in, e.g. `Africa/Johannesburg`. */
  timeZone: string;
  /** Local time (`HH:MM`, in `timeZone`) at which a business day ends and the next begins. */
  businessDayCutoff: string;
}

/** The operator's validated, resolved config file (docs/protocol.md §9). */
export interface HubConfig {
  hub: { institutionId: string; name: string };
  qr: { providerId: string; templateTag: number; defaultTtlSeconds: number };
  timeouts: { scanWaitMs: number; partnerTimeoutMs: number; earlyScanGraceMs: number; retailerTimeoutMs: number };
  saf: { initialDelayMs: number; maxDelayMs: number; leaseMs: number; batchSize: number };
  retention: RetentionConfig;
  /** Bounds on what one caller can make the hub hold. */
  limits: { heldPaymentsPerRetailer: number; maxEventLoopDelayMs: number; partnerCallsInFlight: number };
  /** How the operations console shows times and cuts business days (docs/operations-console.md). */
  console: ConsoleConfig;
  institutions: InstitutionConfig[];
  partners: PartnerConfig[];
  /** The file this was loaded from (absolute when loaded with `loadHubConfig`). */
  sourcePath: string;
  /** Where connectors' option helpers read `{ env }` and `{ file }` secrets and PEM files from. */
  optionSources?: OptionSources;
  /** ` (line N)` of a key path in the file, for messages about it; '' when unknown. */
  lineOf?: (path: readonly (string | number)[]) => string;
}

/**
 * How long finished records are kept before the purge deletes them, in days;
 * null keeps them forever (`forever` in the file). See docs/decisions.md, "Retention".
 */
export interface RetentionConfig {
  /** `audit_messages` rows. */
  auditDays: number | null;
  /** Finished payments with their scans, advices, outbox rows and delivery attempts; unmatched scans and advices. */
  paymentsDays: number | null;
  /** QR codes past their expiry that no kept payment or scan names. */
  qrCodesDays: number | null;
  /** Rows of hub instances stopped (or silent) this long. */
  instancesDays: number | null;
  purgeIntervalMinutes: number;
  /** Rows per purge statement (one short transaction each). */
  batchSize: number;
  /** Pause between two batches, so traffic gets the database in between. */
  batchPauseMs: number;
}

/** What the schema needs from outside: env vars for `{ env: NAME }`. */
export interface HubConfigContext {
  env: NodeJS.ProcessEnv;
}

// ---------------------------------------------------------------- helpers

/*
 * Unknown keys are refused, not stripped: in a payments config a typo such as
 * `scanWaitMS` silently ignored would run the hub on a default the operator
 * thinks they changed. The check runs as a preprocess step so an unknown key
 * is reported together with every other problem in the same object.
 */
function strictSection<T extends z.ZodRawShape>(
  shape: T,
  opts: { typeMessage?: string; unknownKey?: (key: string) => string } = {},
) {
  const known = Object.keys(shape);
  return z.preprocess(
    (value, ctx) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
          const message = opts.unknownKey?.(key) ?? unknownKeyMessage(key, known);
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message });
        }
      }
      return value;
    },
    z.object(shape, { invalid_type_error: opts.typeMessage ?? 'must be a mapping (key: value)' }),
  );
}

/* YAML turns unquoted `1234` into a number (and drops leading zeros), so ids must be quoted strings. */
const text = z
  .string({ invalid_type_error: 'must be a string (quote it in YAML, e.g. "1234")' })
  .trim()
  .min(1, 'must not be empty');

/*
 * Ids are Basic-auth usernames (docs/protocol.md §3), which cannot hold ':', and the
 * `client.id` / `partner.id` of messages, which are at most 256 characters.
 */
const ID_MAX = 256;
const id = text.pipe(
  z
    .string()
    .regex(/^[^\s:]+$/, "must not contain spaces or ':' (it is a Basic-auth username)")
    .refine((value) => [...value].length <= ID_MAX, `must be at most ${ID_MAX} characters`),
);

function int(min: number, max: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z.number({ invalid_type_error: 'must be a number' }).int(range).min(min, range).max(max, range);
}

const envName = z
  .string({ invalid_type_error: 'must be an environment variable name' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

function readEnv(ctx: HubConfigContext, name: string, issues: z.RefinementCtx): string {
  const value = ctx.env[name];
  if (value === undefined || value === '') {
    custom(issues, ['env'], `environment variable ${name} is ${value === undefined ? 'not set' : 'empty'}`);
  }
  return value ?? '';
}

function uniqueIds(what: string) {
  return (items: { id: string }[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item.id);
      if (first === undefined) seen.set(item.id, i);
      else custom(ctx, [i, 'id'], `duplicate ${what} id '${item.id}' (also ${what}s[${first}])`);
    });
  };
}

function custom(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
}

// ----------------------------------------------------------------- schema

const BAD_HASH = 'is not a valid scrypt$N$r$p$salt$hash string (make one with `npm run hash-password`)';

/**
 * Builds the zod schema for the hub config file (docs/protocol.md §9). It validates the
 * shape and the cross-field rules, and resolves secrets and CA files through
 * `ctx`, so every problem is reported in one pass with its key path.
 */
export function createHubConfigSchema(ctx: HubConfigContext) {
  const institutionPassword = strictSection(
    { env: envName.optional(), hash: z.string({ invalid_type_error: 'must be a string' }).optional() },
    { typeMessage: 'must be { env: NAME } or { hash: "scrypt$…" }; plaintext passwords are refused' },
  ).transform((p, issues): Secret => {
    if ((p.env === undefined) === (p.hash === undefined)) {
      custom(issues, [], 'give exactly one of { env: NAME } or { hash: "scrypt$…" }');
    }
    if (p.hash !== undefined) {
      if (!isPasswordHash(p.hash)) custom(issues, ['hash'], BAD_HASH);
      return { kind: 'scrypt', hash: p.hash };
    }
    return { kind: 'plain', value: p.env === undefined ? '' : readEnv(ctx, p.env, issues) };
  });

  const institution = strictSection({
    id,
    name: text,
    role: z.enum(['retailer', 'partner', 'operator', 'viewer'], {
      errorMap: (issue, c) =>
        issue.code === 'invalid_enum_value'
          ? { message: 'must be retailer, partner, operator or viewer' }
          : { message: c.defaultError },
    }),
    password: institutionPassword,
  }).transform((i): InstitutionConfig => ({ id: i.id, name: i.name, role: i.role, secret: i.password }));

  /*
   * A partner's connector settings are the connector's business (its own options schema,
   * checked when the partner registry builds it). Here: the keys the core reads, and the
   * earlier flat shape (`baseUrl`, `username`, `password`, `tls` beside `connector`) moved
   * into `options` as written, so configs written for earlier versions keep working.
   */
  const partner = strictSection({
    id,
    connector: text,
    timeoutMs: int(1, 600_000).optional(),
    options: z.record(z.string(), z.unknown(), { invalid_type_error: 'must be a mapping' }).default({}),
    baseUrl: z.unknown(),
    username: z.unknown(),
    password: z.unknown(),
    tls: z.unknown(),
  }).transform((p, issues) => {
    const options = { ...p.options };
    const flatKeys = FLAT_PARTNER_KEYS.filter((key) => p[key] !== undefined);
    for (const key of flatKeys) {
      if (key in options) custom(issues, [key], `also given as options.${key}; keep only options.${key}`);
      else options[key] = p[key];
    }
    return { id: p.id, connector: p.connector, timeoutMs: p.timeoutMs, options, flatKeys };
  });

  const timeouts = strictSection({
    scanWaitMs: int(1, 600_000).default(30_000),
    partnerTimeoutMs: int(1, 600_000).default(25_000),
    earlyScanGraceMs: int(0, 600_000).default(0),
    retailerTimeoutMs: int(1, 600_000).default(60_000),
  }).superRefine((t, issues) => {
    const sum = t.scanWaitMs + t.partnerTimeoutMs;
    if (sum > t.retailerTimeoutMs) {
      custom(
        issues,
        ['partnerTimeoutMs'],
        `timeouts.scanWaitMs (${t.scanWaitMs}) + timeouts.partnerTimeoutMs (${t.partnerTimeoutMs}) = ${sum} exceeds ` +
          `timeouts.retailerTimeoutMs (${t.retailerTimeoutMs}); the retailer would give up first (docs/protocol.md §5.6)`,
      );
    }
  });

  const saf = strictSection({
    initialDelayMs: int(1, 3_600_000).default(1_000),
    maxDelayMs: int(1, 86_400_000).default(60_000),
    // docs/protocol.md §10: leases of at most 30 s. An advice delivery gets the partner's
    // timeout, capped to end 5 s (or half a short lease) before its lease does.
    leaseMs: int(1_000, 30_000).default(30_000),
    batchSize: int(1, 10_000).default(100),
  }).superRefine((s, issues) => {
    if (s.maxDelayMs < s.initialDelayMs) {
      custom(issues, ['maxDelayMs'], `must be at least saf.initialDelayMs (${s.initialDelayMs})`);
    }
  });

  const days = z.unknown().transform((d, issues): number | null => {
    if (d === 'forever') return null;
    if (typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 36_500) return d;
    custom(issues, [], 'must be a whole number of days from 1 to 36500, or forever');
    return z.NEVER;
  });
  // Defaults and why: docs/decisions.md, "Retention".
  const retention = strictSection({
    auditDays: days.default(90),
    paymentsDays: days.default(400),
    qrCodesDays: days.default(90),
    instancesDays: days.default(30),
    purgeIntervalMinutes: int(1, 10_080).default(60),
    batchSize: int(1, 10_000).default(500),
    batchPauseMs: int(0, 60_000).default(100),
  });

  return strictSection(
    {
      hub: strictSection({ institutionId: id.default('qr-hub'), name: text.default('QR Hub') }).default({}),
      qr: strictSection({
        // 10 chars of TLV framing + a 32-char tranId leave 59 for the provider
        // id inside the 99-char merchant account template (docs/protocol.md §4).
        providerId: text
          .pipe(z.string().regex(/^[\x20-\x7e]{1,59}$/, 'must be 1-59 printable ASCII characters'))
          .default('za.co.elec'),
        templateTag: int(26, 51).default(26), // EMVCo merchant account information templates
        defaultTtlSeconds: int(1, 31_536_000).default(300),
      }).default({}),
      timeouts: timeouts.default({}),
      saf: saf.default({}),
      retention: retention.default({}),
      limits: strictSection({
        // Payments of one retailer waiting for their scan at once, across every instance.
        heldPaymentsPerRetailer: int(1, 1_000_000).default(200),
        // Overload (src/partners/admission.ts): new work is refused while the event loop is this late on average...
        maxEventLoopDelayMs: int(1, 60_000).default(DEFAULT_MAX_EVENT_LOOP_DELAY_MS),
        // ...or while this many pay calls to the partner it would go to are in flight on this instance.
        partnerCallsInFlight: int(1, 100_000).default(512),
      }).default({}),
      console: strictSection({
        timeZone: z
          .string({ invalid_type_error: 'must be an IANA time zone name such as Africa/Johannesburg' })
          .refine(isTimeZone, 'must be an IANA time zone name such as Africa/Johannesburg or UTC')
          .default('UTC'),
        businessDayCutoff: z
          .string({ invalid_type_error: 'must be a time of day HH:MM' })
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM (00:00 to 23:59)')
          .default('00:00'),
      }).default({}),
      institutions: z
        .array(institution, {
          required_error: 'Required (list who may call the hub)',
          invalid_type_error: 'must be a list',
        })
        .min(1, 'must list at least one institution')
        .superRefine(uniqueIds('institution')),
      partners: z
        .array(partner, { invalid_type_error: 'must be a list' })
        .default([])
        .superRefine(uniqueIds('partner')),
    },
    {
      typeMessage:
        'must be a YAML mapping with hub, qr, timeouts, saf, retention, limits, console, institutions and partners',
    },
  )
    .superRefine((c, issues) => {
      const { scanWaitMs, retailerTimeoutMs } = c.timeouts;
      c.partners.forEach((p, i) => {
        // A partner without an institution is valid: it cannot send scans, and
        // is reached by direct routing (a PaymentRequest naming partner.id,
        // docs/protocol.md §5.3). An institution with its id but another role is a mix-up:
        // that partner's scans would be refused with 403.
        const inst = c.institutions.find((x) => x.id === p.id);
        if (inst && inst.role !== 'partner') {
          custom(
            issues,
            ['partners', i, 'id'],
            `'${p.id}' is also institutions[${c.institutions.indexOf(inst)}] with role ${inst.role}; ` +
              'a partner sends scans as an institution with role partner (or has no institution at all)',
          );
        }
        if (p.timeoutMs !== undefined && scanWaitMs + p.timeoutMs > retailerTimeoutMs) {
          custom(
            issues,
            ['partners', i, 'timeoutMs'],
            `timeouts.scanWaitMs (${scanWaitMs}) + partners[${i}].timeoutMs (${p.timeoutMs}) exceeds ` +
              `timeouts.retailerTimeoutMs (${retailerTimeoutMs}) (docs/protocol.md §5.6)`,
          );
        }
      });
      // Partner timeouts may exceed saf.leaseMs: advice deliveries are cut to
      // fit inside the lease (adviceTimeoutMs in the advice forwarder), pay
      // calls keep the full timeout (docs/protocol.md §5.6, §10).
    })
    .transform((c): Omit<HubConfig, 'sourcePath'> => ({
      ...c,
      // zod leaves absent optional keys out, so a partner keeps only the keys it was given.
      partners: c.partners.map((p): PartnerConfig => ({ ...p, timeoutMs: p.timeoutMs ?? c.timeouts.partnerTimeoutMs })),
    }));
}

/** Whether this runtime's time zone data knows `name` (Node ships full ICU). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

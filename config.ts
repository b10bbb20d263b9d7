import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SCORING_MODELS } from './domain/scoring';
import { LEGACY_KEY_ID, type Secrets } from './privacy/tokens';
import { parseKeyring, type Keyring } from './privacy/keyring';

/**
 * All run-time settings, parsed once from the environment at start-up, so a bad setting stops the process before it serves anything.
 * Workflows never read this: what a workflow needs arrives in its input.
 */
export const ConfigSchema = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/ripen'),
  /** Connections per process. A capture holds one while Temporal records its signal, so size it to the concurrent captures expected. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(40),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ripen-leads'),
  /** Temporal Cloud or a TLS-protected cluster: client certificate and key (PEM files) or an API key. */
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  SMTP_URL: z.string().url().default('smtp://127.0.0.1:1025'),
  /** The mail provider's send rate: e-mails per second across every worker (enforced by Temporal on the e-mail task queue). */
  EMAILS_PER_SECOND: z.coerce.number().positive().default(20),
  /**
   * The memory one worker process may use, in MiB (docs/benchmarks.md "scale"): bounds the sticky cache
   * (maxCachedWorkflows = (budget - 400) / 0.75), so RSS stays flat however many leads sleep on their timers.
   */
  WORKER_MEMORY_BUDGET_MB: z.coerce.number().int().min(400).default(1024),
  /** How often the reconciliation sweep runs (a Temporal Schedule the worker creates), in minutes. */
  RECONCILE_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /** Leads the sweep checks per run (the next run goes on from there). */
  RECONCILE_BATCH: z.coerce.number().int().min(1).max(100_000).default(500),
  /** API request records (Idempotency-Key answers, late answers) are kept this many days, then the sweep deletes them. */
  API_REQUEST_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  MAIL_FROM: z.string().min(3).default('Ripen <hello@ripen.local>'),
  /** Domain part of the fixed Message-IDs, so a receiver can de-duplicate a resent message. */
  MESSAGE_ID_DOMAIN: z.string().min(1).default('ripen.local'),
  /** Told about SLA breaches and overdue handoffs when a rep has no manager of their own (R6). */
  MANAGER_EMAIL: z.string().email().default('sales-manager@ripen.local'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Signs the tokens in e-mail links and keys the suppression list's address hashes. `npm start` generates one under data/. */
  RIPEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Master keys that wrap the per-lead data keys of Temporal payloads, `id:base64(32 bytes)` comma-separated, current
   * first (README "Secrets and rotation"). `npm start` generates one under data/.
   */
  RIPEN_MASTER_KEYS: z.string().min(1).optional(),
  /** The Temporal Web UI's origin, the only browser origin allowed to call the codec server (/codec). */
  TEMPORAL_UI_ORIGIN: z.string().url().optional(),
  /**
   * Keyrings (`id:base64,...`, first key current; README "Secrets and rotation"): link tokens are signed by the
   * first RIPEN_LINK_KEYS key and verified by any; suppression hashes are made with the first RIPEN_SUPPRESSION_KEYS
   * key and looked up under all. RIPEN_SECRET, if also set, stays in both as the key `legacy` for older links and hashes.
   */
  RIPEN_LINK_KEYS: z.string().min(1).optional(),
  RIPEN_SUPPRESSION_KEYS: z.string().min(1).optional(),
  /** Where the API is reachable from a lead's mail client: tracking, click and unsubscribe links point here. */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  /**
   * Sender identity and postal address, printed in every marketing e-mail's footer (CAN-SPAM, ePrivacy). The
   * identity also signs e-mails to a lead no rep could be found for (R7): the team, never a made-up person.
   */
  SENDER_IDENTITY: z.string().min(2).default('Ripen Oy'),
  POSTAL_ADDRESS: z.string().min(5).default('Ripen Oy, Esimerkkikatu 1, 00100 Helsinki, Finland'),
  /** Optional mailto address offered in List-Unsubscribe beside the one-click URL. */
  UNSUBSCRIBE_MAILTO: z.string().email().optional(),
  RIPEN_ADMIN_KEY: z.string().min(16).optional(),
  /**
   * Demos only: leads captured by this API run their SLAs, cadences and alerts this many times
   * faster (1440: a day passes in a minute). Never set in production; 1 is real time.
   */
  RIPEN_TIME_SCALE: z.coerce.number().min(1).max(1_000_000).default(1),
  /** Operations (README "Operating Ripen"): JSON log level, the worker's Prometheus port (0: off), rate limits, proxies. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Requests a minute from one client address: lead capture, and the public e-mail links (tracking, unsubscribe). */
  RATE_LIMIT_CAPTURE_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  /** Proxies in front of the API whose X-Forwarded-For is believed (express `trust proxy` hop count), so limits count clients, not the load balancer. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  /** R14: the scoring model new scores use, as `<id>@<version>` from domain/scoring.ts SCORING_MODELS. */
  SCORING_MODEL: z
    .string()
    .default('icp-2026@1')
    .refine((key) => SCORING_MODELS.has(key), { message: `must be one of ${[...SCORING_MODELS.keys()].join(', ')}` }),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Parses the environment; fails fast naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** Connection options for Temporal: a local dev server, a self-hosted cluster (mTLS) or Temporal Cloud (mTLS or API key). */
export function temporalConnectionOptions(config: Config) {
  const mtls =
    config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCertPair: {
            crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH),
            key: readFileSync(config.TEMPORAL_TLS_KEY_PATH),
          },
        }
      : undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    tls: mtls ?? (config.TEMPORAL_API_KEY ? true : undefined),
    apiKey: config.TEMPORAL_API_KEY,
  };
}

/** The secret the API and the worker share; they refuse to start without it rather than sign with a guessable one. */
export function requireSecret(config: Config): string {
  if (!config.RIPEN_SECRET)
    throw new Error(
      'Invalid configuration: RIPEN_SECRET is not set (32+ characters; `npm start` generates one under data/)',
    );
  return config.RIPEN_SECRET;
}

/** The master keyring that wraps data keys; the API and the worker refuse to start without it. */
export function requireMasterKeys(config: Config): Keyring {
  if (!config.RIPEN_MASTER_KEYS)
    throw new Error(
      'Invalid configuration: RIPEN_MASTER_KEYS is not set (`id:base64key`, 32-byte keys; `npm start` generates one under data/)',
    );
  return parseKeyring(config.RIPEN_MASTER_KEYS, { name: 'RIPEN_MASTER_KEYS', exactBytes: 32 });
}

/** The link and suppression secrets: the keyrings (with RIPEN_SECRET as their `legacy` key), or RIPEN_SECRET alone. */
export function requireSecrets(config: Config): Secrets {
  if (!config.RIPEN_LINK_KEYS && !config.RIPEN_SUPPRESSION_KEYS) return requireSecret(config);
  if (!config.RIPEN_LINK_KEYS || !config.RIPEN_SUPPRESSION_KEYS)
    throw new Error(
      'Invalid configuration: set both RIPEN_LINK_KEYS and RIPEN_SUPPRESSION_KEYS, or neither (RIPEN_SECRET alone)',
    );
  const legacy = config.RIPEN_SECRET ? [{ id: LEGACY_KEY_ID, key: Buffer.from(config.RIPEN_SECRET) }] : [];
  const ring = (text: string, name: string) => [...parseKeyring(text, { name, minBytes: 32 }).all, ...legacy];
  return {
    links: ring(config.RIPEN_LINK_KEYS, 'RIPEN_LINK_KEYS'),
    suppression: ring(config.RIPEN_SUPPRESSION_KEYS, 'RIPEN_SUPPRESSION_KEYS'),
  };
}

/** What the e-mail activities need to know. */
export function mailSettings(config: Config) {
  return {
    secret: requireSecrets(config),
    publicUrl: config.PUBLIC_URL,
    senderIdentity: config.SENDER_IDENTITY,
    postalAddress: config.POSTAL_ADDRESS,
    unsubscribeMailto: config.UNSUBSCRIBE_MAILTO,
    from: config.MAIL_FROM,
    messageIdDomain: config.MESSAGE_ID_DOMAIN,
    managerEmail: config.MANAGER_EMAIL,
  };
}

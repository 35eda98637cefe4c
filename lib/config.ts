import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { schedulerConfigSchema } from './scheduler/profiles.ts';
import { parseCronSchedule } from './apiserver/kinds/cron-schedule.ts';
import { parseTrustedProxies } from './auth/client-address.ts';

function cronError(schedule: string): string | undefined {
  try {
    parseCronSchedule(schedule);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

// Every setting, its environment variable, and what it must be. The optional
// JSON file (ENTROOS_CONFIG, default ./entroos.config.json) uses the keys on
// the left; environment variables win over the file.
const schema = z.object({
  port: z.coerce
    .number({ error: 'a whole number between 0 and 65535' })
    .int('a whole number between 0 and 65535')
    .min(0)
    .max(65535)
    .default(3000),
  host: z.string().min(1).default('127.0.0.1'),
  databaseUrl: z
    .string()
    .regex(
      /^(file:.+|postgres(ql)?:\/\/.+)$/,
      'a SQLite URL (file:./path.db) or a PostgreSQL URL (postgresql://user@host:5432/db)',
    )
    .default('file:./data/entroos.db'),
  adminPassword: z.string().min(8, 'at least 8 characters').optional(),
  authSecret: z.string().min(32, 'at least 32 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  rateLimitQps: z.coerce.number().positive('a positive number').default(100),
  rateLimitBurst: z.coerce.number().int().positive('a positive whole number').default(200),
  loginMaxFailures: z.coerce.number().int().positive().default(5),
  loginMaxFailuresPerIp: z.coerce.number().int().positive().default(30),
  loginWindowSeconds: z.coerce.number().int().positive().default(300),
  sessionMaxAgeHours: z.coerce.number().positive().default(24),
  /** A dashboard session ends after this long without activity (the absolute limit is sessionMaxAgeHours). */
  sessionIdleMinutes: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(60),
  shutdownTimeoutMs: z.coerce.number().int().positive().default(8000),
  /**
   * How long an idle keep-alive connection stays open. Longer than clients' and load balancers' idle
   * timeouts (undici 4 s, AWS ALB 60 s), so the server never closes a connection a client is about to reuse.
   */
  // At most 290: headers may take 5 s longer, and Node wants that within its 300 s request timeout.
  httpKeepAliveSeconds: z.coerce.number().positive().max(290).default(65),
  /** Origins besides the dashboard's own whose cookie-authenticated writes are accepted (comma-separated). */
  trustedOrigins: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    ),
  /**
   * Load balancers and proxies whose X-Forwarded-For is believed (comma-separated addresses, CIDR ranges or
   * `loopback`): the client's address (login limits, the audit's sourceIPs) is then read from it (lib/auth/client-address.ts).
   */
  trustedProxies: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseTrustedProxies(value);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `the addresses or CIDR ranges of the load balancers in front of EntroOS, comma-separated (such as 10.0.0.5,10.0.1.0/24 or loopback), or empty; ${(err as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  tlsCa: z.string().min(1).optional(),
  watchHistory: z.coerce.number().int().min(100, 'at least 100').default(10_000),
  nodeMonitorGracePeriodSeconds: z.coerce.number().positive().default(40),
  nodes: z.coerce.number().int().min(0).max(20_000).default(8),
  demo: z.enum(['true', 'false']).default('true'),
  crashBackoffMs: z.coerce.number().int().positive().default(10_000),
  leaseSeconds: z.coerce.number().positive().default(10),
  /** Seeds the simulation's draws (crashes from fail-rate, chaos mode), so a run can be replayed. */
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /** Image pull bandwidth of a simulated node, bytes per second (default 1 GiB/s: pulls are quick). */
  pullBytesPerSecond: z.coerce
    .number()
    .int()
    .min(1024, 'at least 1024 bytes/s')
    .default(2 ** 30),
  eventTtlSeconds: z.coerce.number().positive().default(3600),
  eventQps: z.coerce.number().positive().default(200),
  /** How often the autoscaler controller reconciles each HorizontalPodAutoscaler (upstream's 15 s). */
  hpaSyncPeriodSeconds: z.coerce.number().min(0.1, 'at least 0.1').max(3600).default(15),
  /** The scale-down stabilization window of HorizontalPodAutoscalers that set no behavior (upstream's 300 s). */
  hpaDownscaleStabilizationSeconds: z.coerce.number().int().min(0).max(3600).default(300),
  /** The longest a service account token lasts (TokenRequest's expirationSeconds is capped at it); 48 h. */
  serviceAccountMaxTokenSeconds: z.coerce
    .number()
    .int('a whole number of seconds')
    .min(600, 'at least 600 (the shortest token a TokenRequest may ask for)')
    .default(48 * 3600),
  /** Set on every instance to run several behind a load balancer (events and object changes travel through Redis). */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  /** How long a leader's lease lasts without renewal; a dead leader is replaced within about 4/3 of it. */
  leaderLeaseSeconds: z.coerce.number().min(1, 'at least 1').max(300).default(10),
  /** The URL other instances reach this one at (default http://HOST:PORT, with the host name when HOST is 0.0.0.0). */
  advertiseUrl: z.url({ error: 'a URL such as http://10.0.0.5:3000' }).optional(),
  /** Window in which a socket client's changes to one object are merged into one message. */
  socketCoalesceMs: z.coerce.number().int().min(0).max(10_000).default(100),
  /** Objects a socket client may have waiting before it is told to resync instead. */
  socketBufferLimit: z.coerce.number().int().min(10).default(20_000),
  /** Prover threads for placement proofs (0: bindings are not proved). */
  provers: z.coerce.number().int().min(0).max(64).default(availableParallelism()),
  /** Where the circuit artifacts are (default public/zk). */
  zkDir: z.string().min(1).optional(),
  /** How long a partial batch of bindings waits for more before it is proved. */
  proofBatchMs: z.coerce.number().int().min(0).max(60_000).default(250),
  /** How often a watch that asked for bookmarks gets one while nothing changes. */
  watchBookmarkMs: z.coerce.number().int().min(100, 'at least 100').max(3_600_000).default(30_000),
  /** How often `kubectl logs -f` looks for new lines of a running container. */
  logFollowPollMs: z.coerce.number().int().min(10, 'at least 10').max(60_000).default(500),
  /** How often the leader samples the cluster for the overview's charts. */
  historySampleMs: z.coerce.number().int().min(100, 'at least 100').max(3_600_000).default(10_000),
  /** Scheduler profiles (config file only); an admin's edit through the API takes precedence. */
  scheduler: schedulerConfigSchema.optional(),
  /** Where backups are stored (the API's and the scheduled ones), on the leader's disk. */
  backupDir: z.string().min(1).default('./data/backups'),
  /** When the leader takes a backup: a cron expression in UTC (five fields or @daily …); empty: never. */
  backupSchedule: z
    .string()
    .default('')
    .refine((v) => v.trim() === '' || cronError(v) === undefined, {
      error: (issue) => `a cron expression such as "0 3 * * *" or @daily (${cronError(String(issue.input))})`,
    }),
  /** How many scheduled backups are kept (the oldest beyond it are deleted; backups taken by hand are kept). */
  backupRetain: z.coerce.number().int('a whole number').min(1, 'at least 1').default(7),
  /** The file conversion app's storage (content-addressed files, uploads in progress, engines' scratch space). */
  convertDir: z.string().min(1).default('./data/convert'),
  /** How many MiB the conversion app's stored files may take in all (uploads beyond it are refused). */
  convertQuotaMb: z.coerce.number().int('a whole number').min(1, 'at least 1').default(10_240),
  /** How many hours a stored file is kept after it was last written. */
  convertExpiryHours: z.coerce.number().min(0.001, 'more than 0').default(168),
  /** How many unfinished Conversions each user may have (in all namespaces); one more is a 429 with Retry-After. */
  convertQueueLimit: z.coerce.number().int('a whole number').min(1, 'at least 1').default(50),
  /** Whether requests are audited (docs/audit.md); the database keeps the chain, the file and webhook are copies. */
  audit: z.enum(['true', 'false']).default('true'),
  /** A Kubernetes audit Policy (YAML or JSON); default: the policy in lib/audit/policy.ts (docs/audit.md). */
  auditPolicyFile: z.string().min(1).optional(),
  /** Also write the chained records as JSON lines to this file (rotated). */
  auditLogPath: z.string().min(1).optional(),
  /** The file's size at which it is rotated (path.1, path.2 …), in MiB, and how many old files are kept. */
  auditLogMaxMb: z.coerce.number().positive().max(1_000_000).default(100),
  auditLogMaxFiles: z.coerce.number().int().min(1).max(1000).default(10),
  /** POST the records in batches (an audit.k8s.io/v1 EventList) to this URL, retried with backoff. */
  auditWebhookUrl: z.url({ error: 'an http:// or https:// URL' }).optional(),
  /** How long records wait in memory before they are appended to the chain (batched, off the request path). */
  auditFlushMs: z.coerce.number().int().min(1).max(60_000).default(100),
  /** How often a signed checkpoint row is kept (the signed head is rewritten at every append). */
  auditCheckpointSeconds: z.coerce.number().min(1).max(86_400).default(60),
  /** AES-256 key (base64 of 32 bytes) Secrets are encrypted at rest with; required with several instances. */
  secretKey: z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0 && Buffer.from(v, 'base64').length === 32,
      'base64 of exactly 32 bytes (generate one with `openssl rand -base64 32`)',
    )
    .optional(),
});

export type Config = z.infer<typeof schema>;

export const ENV_NAMES: Record<keyof Config, string> = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  adminPassword: 'ENTROOS_ADMIN_PASSWORD',
  authSecret: 'NEXTAUTH_SECRET',
  logLevel: 'LOG_LEVEL',
  rateLimitQps: 'ENTROOS_RATE_LIMIT_QPS',
  rateLimitBurst: 'ENTROOS_RATE_LIMIT_BURST',
  loginMaxFailures: 'ENTROOS_LOGIN_MAX_FAILURES',
  loginMaxFailuresPerIp: 'ENTROOS_LOGIN_MAX_FAILURES_PER_IP',
  loginWindowSeconds: 'ENTROOS_LOGIN_WINDOW_SECONDS',
  sessionMaxAgeHours: 'ENTROOS_SESSION_MAX_AGE_HOURS',
  sessionIdleMinutes: 'ENTROOS_SESSION_IDLE_MINUTES',
  shutdownTimeoutMs: 'ENTROOS_SHUTDOWN_TIMEOUT_MS',
  httpKeepAliveSeconds: 'ENTROOS_HTTP_KEEPALIVE_SECONDS',
  trustedOrigins: 'ENTROOS_TRUSTED_ORIGINS',
  trustedProxies: 'ENTROOS_TRUSTED_PROXIES',
  tlsCert: 'TLS_CERT',
  tlsKey: 'TLS_KEY',
  tlsCa: 'TLS_CA',
  watchHistory: 'ENTROOS_WATCH_HISTORY',
  nodeMonitorGracePeriodSeconds: 'ENTROOS_NODE_GRACE_SECONDS',
  nodes: 'ENTROOS_NODES',
  demo: 'ENTROOS_DEMO',
  crashBackoffMs: 'ENTROOS_CRASH_BACKOFF_MS',
  leaseSeconds: 'ENTROOS_LEASE_SECONDS',
  seed: 'ENTROOS_SEED',
  pullBytesPerSecond: 'ENTROOS_PULL_BYTES_PER_SECOND',
  eventTtlSeconds: 'ENTROOS_EVENT_TTL_SECONDS',
  eventQps: 'ENTROOS_EVENT_QPS',
  hpaSyncPeriodSeconds: 'ENTROOS_HPA_SYNC_SECONDS',
  hpaDownscaleStabilizationSeconds: 'ENTROOS_HPA_DOWNSCALE_STABILIZATION_SECONDS',
  serviceAccountMaxTokenSeconds: 'ENTROOS_SERVICE_ACCOUNT_MAX_TOKEN_SECONDS',
  redisUrl: 'REDIS_URL',
  leaderLeaseSeconds: 'ENTROOS_LEADER_LEASE_SECONDS',
  advertiseUrl: 'ENTROOS_ADVERTISE_URL',
  socketCoalesceMs: 'ENTROOS_SOCKET_COALESCE_MS',
  socketBufferLimit: 'ENTROOS_SOCKET_BUFFER_LIMIT',
  provers: 'ENTROOS_PROVERS',
  proofBatchMs: 'ENTROOS_PROOF_BATCH_MS',
  zkDir: 'ENTROOS_ZK_DIR',
  watchBookmarkMs: 'ENTROOS_WATCH_BOOKMARK_MS',
  logFollowPollMs: 'ENTROOS_LOG_FOLLOW_POLL_MS',
  historySampleMs: 'ENTROOS_HISTORY_SAMPLE_MS',
  scheduler: 'ENTROOS_SCHEDULER_CONFIG',
  audit: 'ENTROOS_AUDIT',
  auditPolicyFile: 'ENTROOS_AUDIT_POLICY_FILE',
  auditLogPath: 'ENTROOS_AUDIT_LOG_PATH',
  auditLogMaxMb: 'ENTROOS_AUDIT_LOG_MAX_MB',
  auditLogMaxFiles: 'ENTROOS_AUDIT_LOG_MAX_FILES',
  auditWebhookUrl: 'ENTROOS_AUDIT_WEBHOOK_URL',
  auditFlushMs: 'ENTROOS_AUDIT_FLUSH_MS',
  auditCheckpointSeconds: 'ENTROOS_AUDIT_CHECKPOINT_SECONDS',
  secretKey: 'ENTROOS_SECRET_KEY',
  backupDir: 'ENTROOS_BACKUP_DIR',
  backupSchedule: 'ENTROOS_BACKUP_SCHEDULE',
  backupRetain: 'ENTROOS_BACKUP_RETAIN',
  convertDir: 'ENTROOS_CONVERT_DIR',
  convertQuotaMb: 'ENTROOS_CONVERT_QUOTA_MB',
  convertExpiryHours: 'ENTROOS_CONVERT_EXPIRY_HOURS',
  convertQueueLimit: 'ENTROOS_CONVERT_QUEUE_LIMIT',
};

export class ConfigError extends Error {}

function readFile(env: Record<string, string | undefined>, cwd: string): Record<string, unknown> {
  const explicit = env.ENTROOS_CONFIG;
  const path = resolve(cwd, explicit ?? 'entroos.config.json');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(`ENTROOS_CONFIG: file ${path} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(`${path}: expected a JSON object of settings`);
  const unknown = Object.keys(parsed).filter((k) => !(k in ENV_NAMES));
  if (unknown.length)
    throw new ConfigError(`${path}: unknown setting "${unknown[0]}" (known: ${Object.keys(ENV_NAMES).join(', ')})`);
  return parsed as Record<string, unknown>;
}

/** Reads and validates the configuration; throws ConfigError with one readable line. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const raw: Record<string, unknown> = readFile(env, cwd);
  const fromFile = new Set(Object.keys(raw));
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      if (key === 'scheduler') {
        try {
          raw[key] = JSON.parse(value);
        } catch {
          throw new ConfigError(`invalid configuration: ${name} must be JSON (a scheduler configuration)`);
        }
      } else raw[key] = value;
      fromFile.delete(key);
    }
  }
  const result = schema
    .refine((c) => !c.tlsCert === !c.tlsKey, {
      message: 'set together with TLS_KEY (both or neither)',
      path: ['tlsCert'],
    })
    // Several instances share one database: a key generated by each would leave the others unable to read Secrets.
    .refine((c) => !c.redisUrl || c.secretKey, {
      message: 'set on every instance when REDIS_URL is set (all instances must encrypt Secrets with the same key)',
      path: ['secretKey'],
    })
    .safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue.path[0]) as keyof Config;
  const sub = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
  const where = (fromFile.has(key) ? `"${key}" in the config file` : (ENV_NAMES[key] ?? key)) + sub;
  const shown =
    key === 'adminPassword' || key === 'authSecret' || key === 'redisUrl' || key === 'secretKey'
      ? raw[key] === undefined
        ? undefined
        : '***'
      : key === 'scheduler'
        ? undefined
        : raw[key];
  const got = shown === undefined ? '' : ` (got ${JSON.stringify(shown)})`;
  throw new ConfigError(`invalid configuration: ${where} must be ${describe(issue)}${got}`);
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.message.startsWith('Too small') ? `at least ${issue.minimum}` : issue.message;
    case 'too_big':
      return `at most ${issue.maximum}`;
    case 'invalid_type':
      return issue.message.startsWith('Invalid input') ? `a ${issue.expected}` : issue.message;
    default:
      return issue.message;
  }
}

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Store } from '../store/index.ts';
import { DEFAULT_POLICY, parsePolicy, PolicyError, PolicyEvaluator } from './policy.ts';
import { fileSink, webhookSink, type AuditSink } from './sinks.ts';
import { AuditTrail, type Signer, type TailPublisher } from './trail.ts';

type AuditConfig = Pick<
  Config,
  | 'audit'
  | 'auditPolicyFile'
  | 'auditLogPath'
  | 'auditLogMaxMb'
  | 'auditLogMaxFiles'
  | 'auditWebhookUrl'
  | 'auditFlushMs'
  | 'auditCheckpointSeconds'
>;

/** Reads ENTROOS_AUDIT_POLICY_FILE (or the default policy); a bad file stops the start with its reason. */
export function loadPolicy(config: Pick<Config, 'auditPolicyFile'>, cwd = process.cwd()): PolicyEvaluator {
  if (!config.auditPolicyFile) return new PolicyEvaluator(DEFAULT_POLICY);
  const path = resolve(cwd, config.auditPolicyFile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(`ENTROOS_AUDIT_POLICY_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code})`);
  }
  return new PolicyEvaluator(parsePolicy(text, `ENTROOS_AUDIT_POLICY_FILE (${path})`));
}

/** The audit trail of this instance, or null with ENTROOS_AUDIT=false. */
export function createAuditTrail(
  config: AuditConfig,
  deps: { store: Pick<Store, 'audit'>; signer: Signer; log: Logger; tail?: TailPublisher },
): AuditTrail | null {
  if (config.audit === 'false') return null;
  const policy = loadPolicy(config);
  const sinks: AuditSink[] = [];
  if (config.auditLogPath)
    sinks.push(
      fileSink({
        path: resolve(config.auditLogPath),
        maxBytes: Math.round(config.auditLogMaxMb * 2 ** 20),
        maxFiles: config.auditLogMaxFiles,
        log: deps.log,
      }),
    );
  if (config.auditWebhookUrl) sinks.push(webhookSink({ url: config.auditWebhookUrl, log: deps.log }));
  return new AuditTrail({
    store: deps.store,
    policy,
    signer: deps.signer,
    log: deps.log,
    sinks,
    tail: deps.tail,
    flushMs: config.auditFlushMs,
    checkpointSeconds: config.auditCheckpointSeconds,
  });
}

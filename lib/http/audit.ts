import '#server-only';
import { ROLES, type Role } from '../auth/rbac.ts';
import { describeResult, type VerifyResult } from '../audit/chain.ts';
import {
  complianceCsv,
  complianceHtml,
  complianceReport,
  describeSinks,
  type ComplianceReport,
} from '../audit/compliance.ts';
import { checkpointLine, recordLine } from '../audit/lines.ts';
import { verifyStoredTrail } from '../audit/verify.ts';
import { DEFAULT_POLICY } from '../audit/policy.ts';
import type { Platform } from '../platform.ts';
import { APP_VERSION } from './health.ts';

// What the audit routes answer, from the platform (route handlers stay thin).

/** Routes anyone may call without credentials (the authentication control's evidence). */
export const PUBLIC_PATHS = ['/healthz', '/livez', '/readyz', '/version', '/api/login', '/api/auth/*'];

/** Checks the database's chain and remembers the outcome for the compliance report. */
export async function verifyAuditTrail(platform: Platform) {
  const result = await verifyStoredTrail(platform.store, platform.clusterKey.publicKeyPem);
  if (platform.audit) platform.audit.lastVerify = { at: new Date(), result };
  return {
    kind: 'AuditVerification',
    apiVersion: 'entroos.io/v1',
    message: describeResult(result),
    keyId: platform.clusterKey.keyId,
    publicKeyPem: platform.clusterKey.publicKeyPem,
    ...result,
  } satisfies VerifyResult & Record<string, unknown>;
}

export async function auditCompliance(platform: Platform): Promise<ComplianceReport> {
  const { config, store } = platform;
  const users = await store.users.list();
  const usersByRole = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
  for (const u of users) if (u.role in usersByRole) usersByRole[u.role as Role]++;
  const now = Date.now();
  const tokens = await store.tokens.list();
  const checkpoints = await store.audit.checkpoints();
  const head = await store.audit.head();
  const policy = platform.audit?.policy.policy ?? DEFAULT_POLICY;
  return complianceReport({
    config,
    clusterId: platform.router.clusterId,
    instance: platform.router.instance,
    version: APP_VERSION,
    tlsGenerated: platform.tls.generated,
    usersByRole,
    disabledUsers: users.filter((u) => u.disabled).length,
    activeTokens: tokens.filter((t) => !t.revokedAt && (!t.expiresAt || t.expiresAt.getTime() > now)).length,
    audit: {
      enabled: !!platform.audit,
      policySource: config.auditPolicyFile
        ? `ENTROOS_AUDIT_POLICY_FILE ${config.auditPolicyFile}`
        : 'the default policy',
      rules: policy.rules.length,
      defaultLevel: 'None (as in Kubernetes)',
      sinks: describeSinks(config),
      records: await store.audit.count(),
      head: head ? { seq: head.seq, time: head.time } : null,
      lastCheckpoint: checkpoints.length
        ? { seq: checkpoints[checkpoints.length - 1].seq, time: checkpoints[checkpoints.length - 1].time }
        : null,
      lastVerify: platform.audit?.lastVerify ?? null,
    },
    publicPaths: PUBLIC_PATHS,
  });
}

export async function complianceResponse(platform: Platform, format: 'json' | 'csv' | 'html'): Promise<Response> {
  const report = await auditCompliance(platform);
  const day = report.generatedAt.slice(0, 10);
  if (format === 'csv')
    return new Response(complianceCsv(report), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="entroos-compliance-${day}.csv"`,
      },
    });
  if (format === 'html')
    return new Response(complianceHtml(report), { headers: { 'content-type': 'text/html; charset=utf-8' } });
  return Response.json(report);
}

/**
 * The whole chain as JSON lines (records, then the checkpoints and the signed head), streamed page by page; check
 * it offline with `npm run audit:verify -- --file FILE --key cluster-key.pem`.
 */
export function exportAuditTrail(platform: Platform): Response {
  const { store } = platform;
  const encoder = new TextEncoder();
  let after = 0;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return controller.close();
      const rows = await store.audit.scan(after, 2_000);
      if (rows.length) {
        after = rows[rows.length - 1].seq;
        controller.enqueue(encoder.encode(rows.map(recordLine).join('')));
        return;
      }
      const points = await store.audit.checkpoints();
      const head = await store.audit.head();
      if (head && !points.some((p) => p.seq === head.seq)) points.push(head);
      // Only what vouches for exported records: appends after the last page are for the next export.
      controller.enqueue(
        encoder.encode(
          points
            .filter((p) => p.seq <= after)
            .map(checkpointLine)
            .join(''),
        ),
      );
      done = true;
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'application/jsonl; charset=utf-8',
      'content-disposition': 'attachment; filename="entroos-audit.jsonl"',
    },
  });
}

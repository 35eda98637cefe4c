import type { Config } from '../config.ts';
import { grantedVerbs, ROLES, type Role } from '../auth/rbac.ts';
import type { VerifyResult } from './chain.ts';

type SinkConfig = Pick<Config, 'audit' | 'auditLogPath' | 'auditLogMaxMb' | 'auditLogMaxFiles' | 'auditWebhookUrl'>;

// The compliance report: the security controls in force on this cluster, each with the evidence read from the
// running configuration and the database, as JSON, CSV or a printable HTML page (the browser's "Save as PDF"
// makes the PDF).

export type ControlStatus = 'in force' | 'partial' | 'not in force';

export interface Control {
  id: string;
  name: string;
  status: ControlStatus;
  summary: string;
  evidence: { label: string; value: string }[];
}

export interface ComplianceReport {
  kind: 'ComplianceReport';
  apiVersion: 'entroos.io/v1';
  generatedAt: string;
  cluster: { id: string; instance: string; version: string };
  controls: Control[];
}

/** What the report reads besides the configuration. */
export interface ComplianceFacts {
  config: Config;
  clusterId: string;
  instance: string;
  version: string;
  tlsGenerated: boolean;
  usersByRole: Record<Role, number>;
  disabledUsers: number;
  activeTokens: number;
  audit: {
    enabled: boolean;
    policySource: string;
    rules: number;
    defaultLevel: string;
    sinks: string[];
    records: number;
    head: { seq: number; time: Date } | null;
    lastCheckpoint: { seq: number; time: Date } | null;
    lastVerify: { at: Date; result: VerifyResult } | null;
  };
  publicPaths: string[];
}

export function complianceReport(f: ComplianceFacts, now = new Date()): ComplianceReport {
  const c = f.config;
  const audit = f.audit;
  const controls: Control[] = [
    {
      id: 'authentication',
      name: 'Authentication required',
      status: 'in force',
      summary:
        'Every API request and socket needs a session cookie or a bearer token; only health, version and login are public.',
      evidence: [
        { label: 'public paths', value: f.publicPaths.join(' ') },
        { label: 'password hashing', value: 'scrypt N=2^15 r=8 p=1' },
        { label: 'API tokens', value: `${f.activeTokens} active (only their SHA-256 is stored)` },
        {
          label: 'login throttling',
          value: `${c.loginMaxFailures} failures per account, ${c.loginMaxFailuresPerIp} per address, window ${c.loginWindowSeconds} s`,
        },
        {
          label: 'client addresses',
          value: c.trustedProxies.length
            ? `X-Forwarded-For believed only from ${c.trustedProxies.join(' ')} (ENTROOS_TRUSTED_PROXIES)`
            : 'the connection address (X-Forwarded-For ignored)',
        },
        { label: 'disabled users', value: String(f.disabledUsers) },
      ],
    },
    {
      id: 'rbac',
      name: 'Role-based access control',
      status: 'in force',
      summary: 'Each request is authorized for its verb and resource by the user role; refusals are 403 and audited.',
      evidence: ROLES.map((role) => ({
        label: `role ${role}`,
        value: `${f.usersByRole[role] ?? 0} users; may write ${
          grantedVerbs(role)
            .filter((g) => g.verbs.some((v) => v !== 'get' && v !== 'list' && v !== 'watch'))
            .map((g) => g.resource)
            .join(', ') || 'nothing'
        }`,
      })),
    },
    {
      id: 'rate-limits',
      name: 'Rate limits',
      status: 'in force',
      summary: 'Requests are limited per user (token bucket); sockets per message rate.',
      evidence: [
        { label: 'requests per user', value: `${c.rateLimitQps}/s, bursts of ${c.rateLimitBurst}` },
        { label: 'socket messages', value: '50/s, bursts of 200' },
        { label: 'events per second', value: String(c.eventQps) },
      ],
    },
    {
      id: 'tls',
      name: 'TLS',
      status: f.tlsGenerated ? 'partial' : 'in force',
      summary: f.tlsGenerated
        ? 'HTTPS is served with a certificate from the cluster CA generated on first start; plain HTTP is served on the same port too (put a TLS-terminating proxy in front or configure TLS_CERT/TLS_KEY).'
        : 'HTTPS is served with the configured certificate; plain HTTP is also answered on the same port.',
      evidence: [
        {
          label: 'certificate',
          value: f.tlsGenerated ? 'generated (self-signed cluster CA)' : `TLS_CERT ${c.tlsCert}`,
        },
        { label: 'trusted origins for cookie writes', value: c.trustedOrigins.join(' ') || '(only the own host)' },
      ],
    },
    {
      id: 'encryption-at-rest',
      name: 'Secrets encrypted at rest',
      status: 'in force',
      summary: 'Secret objects are stored AES-256-GCM encrypted (bound to their resource, namespace and name).',
      evidence: [
        {
          label: 'key source',
          value: c.secretKey ? 'ENTROOS_SECRET_KEY (set by the operator)' : 'key file generated beside the database',
        },
      ],
    },
    {
      id: 'sessions',
      name: 'Session revocation',
      status: 'in force',
      summary:
        'Logout, a password or role change and disabling end every session of the user at once (session generations).',
      evidence: [
        { label: 'idle timeout', value: `${c.sessionIdleMinutes} min` },
        { label: 'maximum session', value: `${c.sessionMaxAgeHours} h` },
      ],
    },
    {
      id: 'audit',
      name: 'Audit coverage',
      status: !audit.enabled
        ? 'not in force'
        : audit.lastVerify && !audit.lastVerify.result.ok
          ? 'partial'
          : 'in force',
      summary: audit.enabled
        ? 'API requests, logins, socket subscriptions, token and user changes are recorded as audit.k8s.io/v1 events in a hash chain with signed checkpoints.'
        : 'Auditing is switched off (ENTROOS_AUDIT=false).',
      evidence: [
        { label: 'policy', value: `${audit.policySource} (${audit.rules} rules; unmatched: ${audit.defaultLevel})` },
        { label: 'sinks', value: audit.sinks.join(', ') },
        { label: 'records', value: String(audit.records) },
        {
          label: 'signed head',
          value: audit.head ? `#${audit.head.seq} at ${audit.head.time.toISOString()}` : 'none yet',
        },
        {
          label: 'last checkpoint',
          value: audit.lastCheckpoint
            ? `#${audit.lastCheckpoint.seq} at ${audit.lastCheckpoint.time.toISOString()}`
            : 'none yet',
        },
        {
          label: 'last verification',
          value: audit.lastVerify
            ? `${audit.lastVerify.at.toISOString()}: ${audit.lastVerify.result.ok ? `ok, ${audit.lastVerify.result.records} records` : audit.lastVerify.result.message}`
            : 'not run since this instance started (GET /apis/entroos.io/v1/audit/verify)',
        },
      ],
    },
  ];
  return {
    kind: 'ComplianceReport',
    apiVersion: 'entroos.io/v1',
    generatedAt: now.toISOString(),
    cluster: { id: f.clusterId, instance: f.instance, version: f.version },
    controls,
  };
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function complianceCsv(report: ComplianceReport): string {
  const rows = [['control', 'name', 'status', 'evidence', 'value']];
  for (const c of report.controls) {
    rows.push([c.id, c.name, c.status, 'summary', c.summary]);
    for (const e of c.evidence) rows.push([c.id, c.name, c.status, e.label, e.value]);
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const esc = (v: string) =>
  v.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

export function complianceHtml(report: ComplianceReport): string {
  const sections = report.controls
    .map(
      (c) => `<section class="control">
  <h2>${esc(c.name)} <span class="status ${c.status.replace(/ /g, '-')}">${esc(c.status)}</span></h2>
  <p>${esc(c.summary)}</p>
  <table><tbody>${c.evidence.map((e) => `<tr><th scope="row">${esc(e.label)}</th><td>${esc(e.value)}</td></tr>`).join('')}</tbody></table>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EntroOS compliance report</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin:0 0 .25rem}
.control{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0;break-inside:avoid}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.2rem .5rem;border-top:1px solid #eee}
th{width:14rem;font-weight:600}.status{font-size:.8rem;padding:.1rem .5rem;border-radius:1rem;margin-left:.5rem}
.in-force{background:#d1fadf}.partial{background:#fef0c7}.not-in-force{background:#fee4e2}
.meta{color:#555}.print{margin:1rem 0}
@media print{.print{display:none}body{margin:0;max-width:none}.control{border-color:#999}}
</style></head><body>
<h1>EntroOS compliance report</h1>
<p class="meta">Cluster ${esc(report.cluster.id)} · instance ${esc(report.cluster.instance)} · version ${esc(report.cluster.version)} · generated ${esc(report.generatedAt)}</p>
<p class="print"><button type="button" onclick="window.print()">Print or save as PDF</button></p>
${sections}
</body></html>
`;
}

/** The sinks as the compliance report names them. */
export function describeSinks(config: SinkConfig): string[] {
  if (config.audit === 'false') return ['none'];
  const sinks = ['database (hash chain, signed head and checkpoints)'];
  if (config.auditLogPath)
    sinks.push(
      `JSON-lines file ${config.auditLogPath} (rotated at ${config.auditLogMaxMb} MiB, ${config.auditLogMaxFiles} kept)`,
    );
  if (config.auditWebhookUrl) {
    const url = new URL(config.auditWebhookUrl);
    sinks.push(`webhook ${url.protocol}//${url.host}${url.pathname} (batched, retried)`);
  }
  return sinks;
}

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

// Kubernetes' audit Policy (audit.k8s.io/v1): an ordered list of rules, the first rule that matches a request
// decides its level; a request no rule matches is not recorded (level None), as in kube-apiserver.

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = (typeof LEVELS)[number];
export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = (typeof STAGES)[number];

const groupResources = z
  .object({
    group: z.string().optional(),
    resources: z.array(z.string().min(1)).optional(),
    resourceNames: z.array(z.string().min(1)).optional(),
  })
  .strict();

const rule = z
  .object({
    level: z.enum(LEVELS),
    users: z.array(z.string()).optional(),
    userGroups: z.array(z.string()).optional(),
    verbs: z.array(z.string()).optional(),
    resources: z.array(groupResources).optional(),
    namespaces: z.array(z.string()).optional(),
    nonResourceURLs: z.array(z.string().startsWith('/', 'a path such as /healthz or /api/*')).optional(),
    omitStages: z.array(z.enum(STAGES)).optional(),
    omitManagedFields: z.boolean().optional(),
  })
  .strict()
  .refine((r) => !(r.nonResourceURLs && (r.resources || r.namespaces)), {
    message: 'a rule names either nonResourceURLs or resources/namespaces, not both',
  });

const policySchema = z
  .object({
    apiVersion: z.enum(['audit.k8s.io/v1'], { error: 'must be audit.k8s.io/v1' }),
    kind: z.literal('Policy', { error: 'must be Policy' }),
    metadata: z.record(z.string(), z.unknown()).optional(),
    omitStages: z.array(z.enum(STAGES)).optional(),
    omitManagedFields: z.boolean().optional(),
    rules: z.array(rule).min(1, 'a policy needs at least one rule'),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyRule = Policy['rules'][number];

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/**
 * The policy used without ENTROOS_AUDIT_POLICY_FILE. Who did what is recorded for every API request (reads
 * too); the bodies of user changes are kept (passwords are redacted regardless); Secrets and tokens never get
 * more than Metadata; health probes and metrics scrapes are not recorded.
 */
export const DEFAULT_POLICY_YAML = `apiVersion: audit.k8s.io/v1
kind: Policy
# RequestReceived would double every record; the response stage carries everything it has.
omitStages: [RequestReceived]
rules:
  # Logins and their failures, and logouts, always.
  - level: Metadata
    verbs: [login, logout]
  # Probes, version checks, metrics scrapes and the dashboard's session refresh: frequent, not a user's action.
  - level: None
    nonResourceURLs:
      - /healthz*
      - /livez*
      - /readyz*
      - /version
      - /metrics
      - /openapi/*
      - /api/auth/session
      - /api/auth/csrf
      - /api/auth/providers
  # API discovery by signed-in clients (kubectl asks before every command).
  - level: None
    userGroups: [system:authenticated]
    nonResourceURLs: [/api, /api/v1, /apis, /apis/*]
  # Secrets and tokens: who touched which one, never their contents.
  - level: Metadata
    resources:
      - group: ""
        resources: [secrets, serviceaccounts/token]
      - group: entroos.io
        resources: [tokens, kubeconfig]
  # Changes to user accounts: with the request (passwords are always redacted).
  - level: Request
    verbs: [create, update, patch, delete]
    resources:
      - group: entroos.io
        resources: [users]
  # Everything else: who, what, when, from where, and the answer.
  - level: Metadata
`;

export function parsePolicy(text: string, source = 'the audit policy'): Policy {
  let raw: unknown;
  try {
    raw = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new PolicyError(`${source}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new PolicyError(`${source}: invalid audit policy${at}: ${issue.message}`);
  }
  return result.data;
}

export const DEFAULT_POLICY = parsePolicy(DEFAULT_POLICY_YAML, 'the default audit policy');

/** What a rule is matched against. */
export interface PolicyAttributes {
  user: string;
  groups: readonly string[];
  verb: string;
  /** Set for resource requests; absent for non-resource requests (then `path` applies). */
  resource?: { group: string; resource: string; subresource?: string; namespace: string; name?: string };
  path: string;
}

export interface PolicyDecision {
  level: Level;
  omitStages: ReadonlySet<Stage>;
  omitManagedFields: boolean;
}

const NONE: PolicyDecision = { level: 'None', omitStages: new Set(), omitManagedFields: false };

const matchesPattern = (pattern: string, value: string) =>
  pattern === '*' || pattern === value || (pattern.endsWith('*') && value.startsWith(pattern.slice(0, -1)));

// An omitted group is the core group, as in Kubernetes (Go's zero value).
// "pods" matches pods only; "pods/log" the subresource; "pods/*" every subresource of pods; "*/scale" scale
// of every resource; "*" every resource and subresource.
function matchesResource(pattern: string, resource: string, subresource: string | undefined): boolean {
  if (pattern === '*') return true;
  const full = subresource ? `${resource}/${subresource}` : resource;
  if (pattern === full) return true;
  if (pattern.endsWith('/*')) return !!subresource && pattern.slice(0, -2) === resource;
  if (pattern.startsWith('*/')) return !!subresource && pattern.slice(2) === subresource;
  return false;
}

function ruleMatches(rule: PolicyRule, a: PolicyAttributes, ignoreUser: boolean): boolean {
  if (!ignoreUser) {
    if (rule.users && !rule.users.includes(a.user)) return false;
    if (rule.userGroups && !rule.userGroups.some((g) => a.groups.includes(g))) return false;
  }
  if (rule.verbs && !rule.verbs.some((v) => v === '*' || v === a.verb)) return false;
  const r = a.resource;
  if (rule.nonResourceURLs) return !r && rule.nonResourceURLs.some((p) => matchesPattern(p, a.path));
  if (rule.resources || rule.namespaces) {
    if (!r) return false;
    if (rule.namespaces && !rule.namespaces.includes(r.namespace)) return false;
    if (
      rule.resources &&
      !rule.resources.some(
        (g) =>
          (g.group === '*' || (g.group ?? '') === r.group) &&
          (!g.resources?.length || g.resources.some((p) => matchesResource(p, r.resource, r.subresource))) &&
          (!g.resourceNames?.length || (!!r.name && g.resourceNames.includes(r.name))),
      )
    )
      return false;
  }
  return true;
}

export class PolicyEvaluator {
  /** The highest level of the policy's rules: below Request no body is ever read. */
  readonly maxLevel: Level;

  constructor(readonly policy: Policy) {
    this.maxLevel = LEVELS[Math.max(...policy.rules.map((r) => LEVELS.indexOf(r.level)))];
  }

  evaluate(a: PolicyAttributes): PolicyDecision {
    const rule = this.policy.rules.find((r) => ruleMatches(r, a, false));
    if (!rule || rule.level === 'None') return NONE;
    return {
      level: rule.level,
      omitStages: new Set([...(this.policy.omitStages ?? []), ...(rule.omitStages ?? [])]),
      omitManagedFields: rule.omitManagedFields ?? this.policy.omitManagedFields ?? false,
    };
  }

  /**
   * The highest level the request could get whoever sends it: known before authentication, it tells the edge
   * whether to keep a copy of the request body (never, when no rule that could match asks for bodies).
   */
  levelBeforeAuth(a: Omit<PolicyAttributes, 'user' | 'groups'>): Level {
    const attributes = { ...a, user: '', groups: [] };
    let best = 0;
    for (const rule of this.policy.rules) {
      if (!ruleMatches(rule, attributes, true)) continue;
      best = Math.max(best, LEVELS.indexOf(rule.level));
      // The first rule without user conditions ends the search, as evaluate() would stop there too.
      if (!rule.users && !rule.userGroups) break;
    }
    return LEVELS[best];
  }
}

export const levelAtLeast = (level: Level, min: Level) => LEVELS.indexOf(level) >= LEVELS.indexOf(min);

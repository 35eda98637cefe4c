import { z } from 'zod';
import { FILTER_PLUGINS, POST_FILTER_PLUGINS, SCORE_PLUGINS } from './plugins/index.ts';

// A profile names the filter plugins that must pass and the weighted score
// plugins that rank the feasible nodes. Pods choose one with the
// `entroos.io/scheduler-profile` annotation; otherwise the default applies.

const filterNames = Object.keys(FILTER_PLUGINS) as [string, ...string[]];
const scoreNames = Object.keys(SCORE_PLUGINS) as [string, ...string[]];
const postFilterNames = Object.keys(POST_FILTER_PLUGINS) as [string, ...string[]];

export const profileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label'),
    filters: z.array(z.enum(filterNames, { error: `must be one of ${filterNames.join(', ')}` })).default(filterNames),
    scores: z
      .array(
        z
          .object({
            name: z.enum(scoreNames, { error: `must be one of ${scoreNames.join(', ')}` }),
            weight: z.number().min(0).max(100),
          })
          .strict(),
      )
      .min(1, 'at least one score plugin'),
    /** Run in order when no node fits (preemption); an empty list never preempts. */
    postFilters: z
      .array(z.enum(postFilterNames, { error: `must be one of ${postFilterNames.join(', ')}` }))
      .default(postFilterNames),
    /** 0 = kube-scheduler's adaptive default (50 − N/125 %, at least 5 %, at least 100 nodes). */
    percentageOfNodesToScore: z.number().min(0).max(100).default(0),
  })
  .strict();

export const schedulerConfigSchema = z
  .object({
    defaultProfile: z.string().min(1),
    /** Weight of cpu (vs memory) in a node's utilisation for entropy. */
    cpuWeight: z.number().min(0).max(1).default(0.5),
    profiles: z.array(profileSchema).min(1),
  })
  .strict()
  .refine((c) => c.profiles.some((p) => p.name === c.defaultProfile), {
    message: 'defaultProfile must name one of the profiles',
    path: ['defaultProfile'],
  })
  .refine((c) => new Set(c.profiles.map((p) => p.name)).size === c.profiles.length, {
    message: 'profile names must be unique',
    path: ['profiles'],
  });

export type Profile = z.infer<typeof profileSchema>;
export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;

export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = schedulerConfigSchema.parse({
  defaultProfile: 'entropy',
  cpuWeight: 0.5,
  profiles: [
    {
      name: 'entropy',
      scores: [
        { name: 'Entropy', weight: 3 },
        { name: 'BalancedAllocation', weight: 1 },
        { name: 'NodeAffinity', weight: 2 },
        { name: 'TaintToleration', weight: 1 },
      ],
    },
    {
      name: 'pack',
      scores: [
        { name: 'Pack', weight: 3 },
        { name: 'MostAllocated', weight: 1 },
        { name: 'NodeAffinity', weight: 2 },
        { name: 'TaintToleration', weight: 1 },
      ],
    },
    {
      name: 'spread',
      scores: [
        { name: 'LeastAllocated', weight: 1 },
        { name: 'BalancedAllocation', weight: 1 },
        { name: 'NodeAffinity', weight: 2 },
        { name: 'TaintToleration', weight: 1 },
      ],
    },
  ],
});

/** How many feasible nodes to find before scoring, as kube-scheduler decides. */
export function nodesToFind(total: number, percentage: number): number {
  if (total < 100 || percentage >= 100) return total;
  const pct = percentage > 0 ? percentage : Math.max(5, 50 - total / 125);
  return Math.min(total, Math.max(100, Math.floor((total * pct) / 100)));
}

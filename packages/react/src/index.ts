// @entroos/react: a provider, hooks and components over @entroos/client. Styles: import '@entroos/react/styles.css'.
export {
  EntroosProvider,
  useEntroos,
  useClient,
  type EntroosProviderProps,
  type EntroosContextValue,
} from './provider.js';
export {
  useWatch,
  useList,
  useGet,
  useCreate,
  usePatch,
  useDelete,
  useLogs,
  useDecision,
  useProofVerification,
  queryKeys,
  type ObjectOf,
  type Selection,
  type WatchOptions,
  type ListOptions,
  type ListResult,
  type GetOptions,
  type PatchVariables,
  type DeleteVariables,
  type LogsOptions,
  type LogsState,
  type ProofState,
  type ProofVerification,
} from './hooks.js';
export {
  WatchHub,
  watchKeyString,
  type WatchKey,
  type WatchSnapshot,
  type WatchListener,
  type WatchHubOptions,
} from './watch-hub.js';
export {
  snarkjsVerifier,
  type ProofToVerify,
  type ProofCheck,
  type ProofVerifier,
  type SnarkjsVerifierOptions,
} from './proof.js';
export {
  loadKindSchema,
  resolve as resolveSchema,
  validate as validateObject,
  causesToErrors,
  type JsonSchema,
  type KindSchema,
  type FieldError,
} from './schema.js';
export { statusOf, parseQuantity, age, type Tone, type ObjectStatus } from './status.js';
export { StatusBadge, type StatusBadgeProps } from './components/StatusBadge.js';
export { ThemeScope, type ThemeScopeProps, type ThemeName } from './components/ThemeScope.js';
export { EntropyGauge, type EntropyGaugeProps } from './components/EntropyGauge.js';
export { ResourceTable, defaultColumns, type ResourceTableProps, type Column } from './components/ResourceTable.js';
export {
  NodeMap,
  LiveNodeMap,
  useNodeUtilisation,
  type NodeMapProps,
  type NodeCell,
  type NodeMetric,
} from './components/NodeMap.js';
export { DecisionBreakdown, type DecisionBreakdownProps } from './components/DecisionBreakdown.js';
export { ProofBadge, type ProofBadgeProps } from './components/ProofBadge.js';
export { ResourceForm, useKindSchema, type ResourceFormProps } from './components/ResourceForm.js';

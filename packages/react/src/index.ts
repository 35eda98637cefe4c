// @entroos/react: a provider, hooks and components over @entroos/client. Styles: import '@entroos/react/styles.css'.
export {
  EntroosProvider,
  useEntroos,
  useClient,
  type EntroosProviderProps,
  type EntroosContextValue,
} from './provider.tsx';
export {
  useWatch,
  useConnectionState,
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
} from './hooks.ts';
export {
  WatchHub,
  watchKeyString,
  type WatchKey,
  type WatchSnapshot,
  type WatchListener,
  type WatchHubOptions,
} from './watch-hub.ts';
export { RouterSocket, type ConnectionState } from '@entroos/client/socket';
export {
  snarkjsVerifier,
  type ProofToVerify,
  type ProofCheck,
  type ProofVerifier,
  type SnarkjsVerifierOptions,
} from './proof.ts';
export {
  loadKindSchema,
  resolve as resolveSchema,
  validate as validateObject,
  causesToErrors,
  type JsonSchema,
  type KindSchema,
  type FieldError,
} from './schema.ts';
export { statusOf, parseQuantity, age, type Tone, type ObjectStatus } from './status.ts';
export { StatusBadge, type StatusBadgeProps } from './components/StatusBadge.tsx';
export { ThemeScope, type ThemeScopeProps, type ThemeName } from './components/ThemeScope.tsx';
export { EntropyGauge, type EntropyGaugeProps } from './components/EntropyGauge.tsx';
export { ResourceTable, defaultColumns, type ResourceTableProps, type Column } from './components/ResourceTable.tsx';
export {
  NodeMap,
  LiveNodeMap,
  useNodeUtilisation,
  type NodeMapProps,
  type NodeCell,
  type NodeMetric,
} from './components/NodeMap.tsx';
export { DecisionBreakdown, type DecisionBreakdownProps } from './components/DecisionBreakdown.tsx';
export { ProofBadge, type ProofBadgeProps } from './components/ProofBadge.tsx';
export { ResourceForm, useKindSchema, type ResourceFormProps } from './components/ResourceForm.tsx';

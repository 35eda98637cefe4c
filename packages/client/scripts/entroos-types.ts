// Writes src/generated/entroos.ts: the entroos.io/v1 request and response types, printed from the server's own
// definitions with the TypeScript compiler, as their JSON looks on the wire (Date → string, a property that may be
// undefined → optional, functions left out). Each published type is a type expression over the server's modules
// (the table below); a published type met inside another is written by its name, any other named type is expanded
// in place, so the output depends on nothing but ./kinds.ts.
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const VIRTUAL = join(ROOT, 'packages/client/scripts/__entroos_published__.ts');

/** What the type expressions may use, from the modules that own the shapes. */
const IMPORTS = `
import type { z } from 'zod';
import type { CandidateScore, DecisionDetail, DecisionSummary, NodeDetail, PlacementFacts } from '../../../lib/scheduler/decisions.ts';
import type { labRequestSchema, LabResult, LabSample, LabRun } from '../../../lib/scheduler/lab.ts';
import type { ProofApi, PlacementList } from '../../../lib/proofs/records.ts';
import type { schedulerStatus } from '../../../lib/scheduler/http.ts';
import type { PublicPlacement } from '../../../lib/store/index.ts';
import type { BackupManifest, BackupPart } from '../../../lib/backup/format.ts';
import type { StoredBackup } from '../../../lib/backup/directory.ts';
import type { KindDiff } from '../../../lib/backup/diff.ts';
import type { RestoreReport } from '../../../lib/backup/restore.ts';
import type { ImportResult, ImportReport } from '../../../lib/backup/namespace-yaml.ts';
`;

interface Published {
  name: string;
  /** A type expression over IMPORTS. */
  type: string;
  doc: string;
}

/** The public names (those the client has always exported) and the server type each is printed from. */
const PUBLISHED: Published[] = [
  {
    name: 'SchedulerStatus',
    type: 'ReturnType<typeof schedulerStatus>',
    doc: "GET /scheduler: the scheduler's profiles, queue, totals and latency.",
  },
  { name: 'CandidateScore', type: 'CandidateScore', doc: 'One of the best-scored nodes of a decision.' },
  {
    name: 'NodeDetail',
    type: 'NodeDetail',
    doc: 'One node in a decision: why it was filtered out, or its per-plugin scores.',
  },
  {
    name: 'PlacementFacts',
    type: 'PlacementFacts',
    doc: "A bound pod's requests and its node's free capacity before it (cpu in millicores, memory in bytes).",
  },
  {
    name: 'SchedulingDecision',
    // GET /scheduler/decisions?pod= answers DecisionLog.forPod: a summary, or while the decision is recent the
    // DecisionDetail with its `scored` arrays expanded into `detail` (never sent as such), so the JSON is the summary
    // with detail and placement when present.
    type: "DecisionSummary & Partial<Pick<DecisionDetail, 'detail' | 'placement'>>",
    doc: 'Why a pod went where it went (or did not): per-plugin scores, filtered nodes with reasons, entropy; per-node detail while the decision is recent.',
  },
  // The lab's body as the client sends it: the schema's input, where the fields with defaults are optional (the
  // server's LabRequest is the parsed output, with them filled in).
  {
    name: 'LabNode',
    type: "NonNullable<z.input<typeof labRequestSchema>['nodes']>[number]",
    doc: 'A node of a lab cluster.',
  },
  {
    name: 'LabPod',
    type: "NonNullable<z.input<typeof labRequestSchema>['workload']>[number]",
    doc: 'A pod of a lab workload, arriving at atMs.',
  },
  {
    name: 'LabRequest',
    type: 'z.input<typeof labRequestSchema>',
    doc: 'A policy lab run: the profiles to compare, and the nodes and workload (listed or generated).',
  },
  { name: 'LabSample', type: 'LabSample', doc: "One sample of a lab cluster's state." },
  { name: 'LabResult', type: 'LabResult', doc: "One profile's run in the lab." },
  { name: 'LabRun', type: 'LabRun', doc: 'The answer of POST /scheduler/lab: every profile’s run.' },
  {
    name: 'Placement',
    type: 'PublicPlacement',
    doc: 'A binding with its commitment and the proof batch that covers it.',
  },
  { name: 'PlacementList', type: 'PlacementList', doc: 'GET /proofs: placements, newest first, and proofs by status.' },
  {
    name: 'VerifyResult',
    type: "Awaited<ReturnType<ProofApi['verifyStored']>>",
    doc: 'POST /proofs/verify of stored proofs: which verified and which did not.',
  },
  {
    name: 'ProofRecord',
    type: "Awaited<ReturnType<ProofApi['getProof']>>",
    doc: 'GET /proofs/{id}: one proof, its key id, and the placements it covers (commitments, never their openings).',
  },
  {
    name: 'ProofExport',
    type: "Awaited<ReturnType<ProofApi['exportProofs']>>",
    doc: 'GET /proofs/export: every proof with the verification keys, the file `npx entroos-verify` checks offline.',
  },
  { name: 'BackupPart', type: 'BackupPart', doc: 'One part of a backup file, with its digest.' },
  { name: 'BackupManifest', type: 'BackupManifest', doc: 'What a backup holds (its manifest.json, signed).' },
  { name: 'StoredBackup', type: 'StoredBackup', doc: "A backup in the server's backup directory." },
  { name: 'KindDiff', type: 'KindDiff', doc: 'What a restore changes (or would) in one resource.' },
  { name: 'RestoreReport', type: 'RestoreReport', doc: 'POST /restores: the diff per resource, and its totals.' },
  { name: 'ImportItem', type: 'ImportResult', doc: 'One document of a namespace import: its result or its Status.' },
  { name: 'ImportReport', type: 'ImportReport', doc: 'POST /namespaces/{namespace}/import: one item per document.' },
];

/**
 * Server types written as a type of ./kinds.ts: the server's Status is the upstream meta/v1 Status, which the
 * client already has from the Kubernetes definitions.
 */
const EXTERNAL: { name: string; file: string; as: string }[] = [
  { name: 'Status', file: 'lib/apimachinery/errors.ts', as: 'K.Status' },
];

// The aliases' prefix: a published name is often the name of the server type it is printed from.
const ALIAS = 'Published_';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function program(): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    { noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const text = `${IMPORTS}\n${PUBLISHED.map((p) => `export type ${ALIAS}${p.name} = ${p.type};`).join('\n')}\n`;
  // Only Node's ambient types: loading every @types package of the app (800 files, not 510) is half again slower.
  const options = { ...config.options, incremental: false, plugins: [], types: ['node'] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    file === VIRTUAL ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === VIRTUAL || fileExists(file);
  return ts.createProgram({ rootNames: [VIRTUAL], options, host });
}

export function generateEntroosTypes(): string {
  const prog = program();
  const source = prog.getSourceFile(VIRTUAL);
  if (!source) throw new Error('the published types did not load');
  const errors = ts.getPreEmitDiagnostics(prog, source);
  if (errors.length)
    throw new Error(
      `the published types do not compile:\n${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n')}`,
    );
  const checker = prog.getTypeChecker();
  const aliases = source.statements.filter(ts.isTypeAliasDeclaration);
  const types = new Map<string, ts.Type>(
    aliases.map((a) => [a.name.text.slice(ALIAS.length), checker.getTypeAtLocation(a.name)]),
  );
  const names = new Map<ts.Type, string>([...types].map(([name, type]) => [type, name]));
  let usesKinds = false;

  const isFunction = (t: ts.Type) => t.getCallSignatures().length > 0;
  const withoutUndefined = (t: ts.Type): ts.Type[] =>
    (t.isUnion() ? t.types : [t]).filter((m) => !(m.flags & ts.TypeFlags.Undefined));

  const external = (t: ts.Type): string | undefined => {
    const symbol = t.aliasSymbol ?? t.getSymbol();
    if (!symbol) return undefined;
    if (symbol.name === 'Date' && symbol.declarations?.some((d) => d.getSourceFile().hasNoDefaultLib)) return 'string';
    const file = symbol.declarations?.[0]?.getSourceFile().fileName;
    const hit = file && EXTERNAL.find((e) => e.name === symbol.name && relative(ROOT, file) === e.file);
    if (hit) usesKinds = true;
    return hit ? hit.as : undefined;
  };

  const union = (members: ts.Type[], depth: number): string => {
    const hasTrue = members.some((m) => m.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(m) === 'true');
    const hasFalse = members.some((m) => m.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(m) === 'false');
    const parts = members
      .filter((m) => !(hasTrue && hasFalse && m.flags & ts.TypeFlags.BooleanLiteral))
      .map((m) => print(m, depth));
    if (hasTrue && hasFalse) parts.push('boolean');
    return [...new Set(parts)].join(' | ');
  };

  const property = (symbol: ts.Symbol, depth: number, indent: string): string | undefined => {
    const type = checker.getTypeOfSymbol(symbol);
    if (isFunction(type)) return undefined;
    const members = withoutUndefined(type);
    // JSON leaves out a property whose value is undefined: it is optional on the wire.
    const optional =
      symbol.flags & ts.SymbolFlags.Optional || members.length < (type.isUnion() ? type.types.length : 1);
    const key = IDENTIFIER.test(symbol.name) ? symbol.name : JSON.stringify(symbol.name);
    const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    const comment = doc && indent ? `${indent}/** ${doc.replace(/\n/g, `\n${indent} * `)} */\n` : '';
    return `${comment}${indent}${key}${optional ? '?' : ''}: ${union(members, depth + 1)};`;
  };

  const object = (t: ts.Type, depth: number, multiline: boolean): string => {
    const indent = multiline ? '  ' : '';
    const props = checker
      .getPropertiesOfType(t)
      .map((p) => property(p, depth, indent))
      .filter((p) => p !== undefined);
    const indexes = checker.getIndexInfosOfType(t).map((info) => ({
      key: checker.typeToString(info.keyType),
      value: print(info.type, depth + 1),
    }));
    if (!props.length && indexes.length === 1 && !multiline) return `Record<${indexes[0].key}, ${indexes[0].value}>`;
    const lines = [...indexes.map((i) => `${indent}[key: ${i.key}]: ${i.value};`), ...props];
    if (multiline) return `{\n${lines.join('\n')}\n}`;
    return lines.length ? `{ ${lines.join(' ').slice(0, -1)} }` : 'Record<string, never>';
  };

  function print(t: ts.Type, depth: number): string {
    if (depth > 12) throw new Error(`a published type nests too deep at ${checker.typeToString(t)}`);
    const named = names.get(t);
    if (named && depth > 0) return named;
    const ext = external(t);
    if (ext) return ext;
    // Parsed JSON (a proof, a key) is `any` on the server; the client gets it as unknown.
    if (t.flags & ts.TypeFlags.Any) return 'unknown';
    if (t.isUnion()) return union(t.types, depth);
    if (checker.isTupleType(t))
      return `[${checker
        .getTypeArguments(t as ts.TypeReference)
        .map((a) => print(a, depth + 1))
        .join(', ')}]`;
    if (checker.isArrayType(t)) {
      const element = print(checker.getTypeArguments(t as ts.TypeReference)[0], depth + 1);
      return /[|&\s]/.test(element) && !element.startsWith('{') ? `(${element})[]` : `${element}[]`;
    }
    if (t.flags & ts.TypeFlags.Object || t.isIntersection()) {
      if (isFunction(t)) throw new Error(`a function in a published type: ${checker.typeToString(t)}`);
      return object(t, depth, false);
    }
    return checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias);
  }

  const declarations = PUBLISHED.map((p) => {
    const type = types.get(p.name);
    if (!type) throw new Error(`no type for ${p.name}`);
    const body =
      type.flags & ts.TypeFlags.Object || type.isIntersection()
        ? `export interface ${p.name} ${object(type, 0, true)}`
        : `export type ${p.name} = ${print(type, 0)};`;
    return `/** ${p.doc}\n * From the server's \`${p.type}\`. */\n${body}`;
  });
  const header = `// Generated by packages/client/scripts/generate.ts from the server's definitions (lib/scheduler, lib/proofs, lib/store/proofs.ts, lib/backup) — do not edit.
/* eslint-disable */
${usesKinds ? "import type * as K from './kinds.ts';\n" : ''}`;
  return `${header}\n${declarations.join('\n\n')}\n`;
}

import { createContext, useContext, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { StatusError, type KubeObject } from '@entroos/client';
import { useEntroos } from '../provider.tsx';
import { queryKeys, useCreate } from '../hooks.ts';
import {
  causesToErrors,
  editableProperties,
  label,
  loadKindSchema,
  resolve,
  schemaType,
  validate,
  type FieldError,
  type JsonSchema,
  type KindSchema,
} from '../schema.ts';

export interface ResourceFormProps {
  /** The kind, by any kubectl-style name (deployments, deploy, crontabs.stable.example.com). */
  resource: string;
  /** Where to create it (namespaced kinds). Default: the client's namespace. */
  namespace?: string;
  /** The kind's schema, when you have it; otherwise it is read from the server's /openapi/v3. */
  schema?: KindSchema;
  initialValue?: KubeObject;
  /** Called with the object instead of creating it through the API. */
  onSubmit?: (object: KubeObject) => unknown;
  onCreated?: (object: KubeObject) => void;
  submitLabel?: string;
  /** Show every problem at once from the start (e.g. when editing an object that came from elsewhere). */
  showErrors?: boolean;
}

/** The kind's schema from the server (cached per kind). */
export function useKindSchema(resource: string, options: { enabled?: boolean } = {}) {
  const { client } = useEntroos();
  return useQuery({
    queryKey: queryKeys.schema(resource),
    queryFn: () => loadKindSchema(client, resource),
    enabled: options.enabled ?? true,
    staleTime: 60_000,
  });
}

interface FormContextValue {
  definitions: Record<string, JsonSchema>;
  namespaced: boolean;
  errors: Map<string, string[]>;
  /** Paths with an error at or below them (closed sections holding one open). */
  errorPrefixes: Set<string>;
  shown: (path: string) => boolean;
  touch: (path: string) => void;
  idPrefix: string;
}

const FormContext = createContext<FormContextValue | null>(null);
const useForm = () => useContext(FormContext) as FormContextValue;

const fieldId = (prefix: string, path: string) => `${prefix}-${path.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
const firstSentence = (text?: string) => {
  if (!text) return undefined;
  const cut = text.search(/\.(\s|$)/);
  const sentence = cut >= 0 ? text.slice(0, cut + 1) : text;
  return sentence.length > 180 ? `${sentence.slice(0, 177)}…` : sentence;
};

function prefixes(path: string): string[] {
  const out: string[] = [];
  const re = /\.|\[/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) out.push(path.slice(0, m.index));
  out.push(path);
  return out;
}

function prune<T>(value: T): T | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

/**
 * A form generated from a kind's OpenAPI v3 schema (built-ins and custom resources alike): text, numbers,
 * yes/no, choices (enum), nested objects (opened on demand), lists and key/value maps, with required fields marked.
 * It checks what was typed against the schema before sending, shows each problem at its field in words that say
 * what to enter, and shows the server's own 422 causes the same way.
 */
export function ResourceForm(props: ResourceFormProps) {
  const { client } = useEntroos();
  const loaded = useKindSchema(props.resource, { enabled: !props.schema });
  const kind = props.schema ?? loaded.data;
  if (!kind)
    return loaded.error ? (
      <p className="eos-error" role="alert">
        Could not read the schema of {props.resource}: {(loaded.error as Error).message}
      </p>
    ) : (
      <p className="eos-muted">Loading the schema of {props.resource}…</p>
    );
  return <LoadedForm {...props} kind={kind} namespace={props.namespace ?? client.namespace} />;
}

function LoadedForm(props: ResourceFormProps & { kind: KindSchema; namespace: string }) {
  const { kind } = props;
  const idPrefix = useId().replace(/:/g, '');
  const create = useCreate(props.resource, { namespace: props.namespace });
  const [value, setValue] = useState<KubeObject>(() => ({
    ...props.initialValue,
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: { ...(kind.namespaced ? { namespace: props.namespace } : {}), ...props.initialValue?.metadata },
  }));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(props.showErrors ?? false);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);

  const localErrors = useMemo(() => validate(kind, value), [kind, value]);
  const allErrors = useMemo(() => [...localErrors, ...serverErrors], [localErrors, serverErrors]);
  const context = useMemo<FormContextValue>(() => {
    const errors = new Map<string, string[]>();
    const errorPrefixes = new Set<string>();
    for (const e of allErrors) {
      errors.set(e.path, [...(errors.get(e.path) ?? []), e.message]);
      for (const p of prefixes(e.path)) errorPrefixes.add(p);
    }
    return {
      definitions: kind.definitions,
      namespaced: kind.namespaced,
      errors,
      errorPrefixes: submitted ? errorPrefixes : new Set(),
      shown: (path) => submitted || touched.has(path) || serverErrors.some((e) => e.path === path),
      touch: (path) => setTouched((t) => (t.has(path) ? t : new Set([...t, path]))),
      idPrefix,
    };
  }, [allErrors, kind, submitted, touched, serverErrors, idPrefix]);

  const onChange = (next: unknown) => {
    setValue(next as KubeObject);
    setServerErrors([]);
    setMessage(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setMessage(null);
    if (localErrors.length) {
      summary.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = props.onSubmit ? await props.onSubmit(value) : await create.mutateAsync(value);
      setMessage({
        ok: true,
        text: `${props.onSubmit ? 'Submitted' : 'Created'} ${kind.kind} ${value.metadata?.name ?? ''}.`,
      });
      if (!props.onSubmit) props.onCreated?.(result as KubeObject);
    } catch (err) {
      if (err instanceof StatusError && err.details?.causes?.length)
        setServerErrors(causesToErrors(err.details.causes));
      setMessage({ ok: false, text: (err as Error).message });
      summary.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const visibleErrors = submitted ? allErrors : serverErrors;
  return (
    <FormContext.Provider value={context}>
      <form className="eos-form" onSubmit={submit} noValidate aria-label={`New ${kind.kind}`}>
        <div ref={summary} tabIndex={-1} className="eos-form__summary">
          {visibleErrors.length > 0 && (
            <div role="alert" className="eos-error">
              <p>
                {visibleErrors.length === 1 ? 'One field needs' : `${visibleErrors.length} fields need`} your attention:
              </p>
              <ul>
                {visibleErrors.map((e, i) => (
                  <li key={`${e.path}-${i}`}>
                    <a href={`#${fieldId(idPrefix, e.path)}`}>{e.path || kind.kind}</a>: {e.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {message && (
            <p role="status" className={message.ok ? 'eos-ok' : 'eos-error'}>
              {message.text}
            </p>
          )}
        </div>
        <ObjectFields path="" schema={kind.schema} value={value} onChange={onChange} depth={0} />
        <div className="eos-form__actions">
          <button type="submit" className="eos-button" disabled={busy}>
            {busy ? 'Sending…' : (props.submitLabel ?? `Create ${kind.kind}`)}
          </button>
        </div>
      </form>
    </FormContext.Provider>
  );
}

interface FieldProps {
  name: string;
  path: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  required?: boolean;
  depth: number;
  /** Replaces the label (list items). */
  title?: string;
  onRemove?: () => void;
}

function Field(props: FieldProps) {
  const form = useForm();
  const schema = resolve(props.schema, form.definitions);
  const type = schemaType(schema);
  if (type === 'object' && schema.properties) return <ObjectSection {...props} schema={schema} />;
  if (type === 'object' && typeof schema.additionalProperties === 'object')
    return <MapField {...props} schema={schema} valueSchema={schema.additionalProperties} />;
  if (type === 'array') return <ArrayField {...props} schema={schema} />;
  if (type === 'object' || type === 'unknown') return <JsonField {...props} schema={schema} />;
  return <ScalarField {...props} schema={schema} type={type} />;
}

function Messages({ path, id }: { path: string; id: string }) {
  const form = useForm();
  const messages = form.shown(path) ? form.errors.get(path) : undefined;
  if (!messages?.length) return null;
  return (
    <p className="eos-field__error" id={`${id}-error`}>
      {messages.join(' ')}
    </p>
  );
}

function Label({ props, id, schema }: { props: FieldProps; id: string; schema: JsonSchema }) {
  return (
    <label htmlFor={id} className="eos-field__label">
      {props.title ?? label(props.name)}
      {props.required && (
        <span className="eos-required" aria-hidden="true">
          {' '}
          *
        </span>
      )}
      {schema.description && <small className="eos-field__hint">{firstSentence(schema.description)}</small>}
    </label>
  );
}

function RemoveButton({ onRemove, what }: { onRemove?: () => void; what: string }) {
  if (!onRemove) return null;
  return (
    <button type="button" className="eos-button eos-button--quiet" onClick={onRemove} aria-label={`Remove ${what}`}>
      Remove
    </button>
  );
}

function ScalarField(props: FieldProps & { type: string }) {
  const form = useForm();
  const { schema, path, type, value } = props;
  const id = fieldId(form.idPrefix, path);
  const invalid = form.shown(path) && form.errors.has(path);
  const common = {
    id,
    'aria-invalid': invalid || undefined,
    'aria-required': props.required || undefined,
    'aria-describedby': invalid ? `${id}-error` : undefined,
    onBlur: () => form.touch(path),
  };
  let input: ReactNode;
  if (type === 'boolean') {
    input = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(e) => props.onChange(e.target.checked ? true : schema.default === true ? false : undefined)}
      />
    );
  } else if (schema.enum) {
    input = (
      <select
        {...common}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => props.onChange(enumValue(schema, e.target.value))}
      >
        <option value="">{props.required ? 'Choose…' : '(not set)'}</option>
        {schema.enum.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric = type === 'integer' || type === 'number';
    input = (
      <input
        {...common}
        type="text"
        inputMode={numeric ? (type === 'integer' ? 'numeric' : 'decimal') : undefined}
        value={value === undefined || value === null ? '' : String(value)}
        placeholder={placeholder(schema, type)}
        onChange={(e) => props.onChange(parseScalar(e.target.value, type))}
      />
    );
  }
  return (
    <div className={`eos-field${type === 'boolean' ? ' eos-field--check' : ''}`} data-path={path}>
      <Label props={props} id={id} schema={schema} />
      <div className="eos-field__control">
        {input}
        <RemoveButton onRemove={props.onRemove} what={props.title ?? props.name} />
      </div>
      <Messages path={path} id={id} />
    </div>
  );
}

function enumValue(schema: JsonSchema, text: string): unknown {
  if (text === '') return undefined;
  return schema.enum?.find((e) => String(e) === text) ?? text;
}

function placeholder(schema: JsonSchema, type: string): string | undefined {
  if (schema['x-entroos-quantity']) return 'e.g. 500m, 1, 256Mi, 1Gi';
  if (type === 'int-or-string') return 'a number or a name, e.g. 8080 or http';
  if (schema.format === 'date-time') return 'e.g. 2026-01-31T12:00:00Z';
  if (schema.default !== undefined) return `default: ${String(schema.default)}`;
  return undefined;
}

/** What the person typed as the schema's type; text that is not a number stays text, for the check to name. */
function parseScalar(text: string, type: string): unknown {
  if (text === '') return undefined;
  if (type === 'integer' || type === 'number') {
    const n = Number(text.trim());
    return text.trim() !== '' && !Number.isNaN(n) ? n : text;
  }
  if (type === 'int-or-string' && /^-?\d+$/.test(text.trim())) return Number(text.trim());
  return text;
}

function ObjectFields({
  path,
  schema,
  value,
  onChange,
  depth,
}: {
  path: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (v: unknown) => void;
  depth: number;
}) {
  const form = useForm();
  const record = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  if (path === 'metadata') required.add('name');
  const fields = editableProperties(path, schema, form.namespaced).sort(
    ([a], [b]) => Number(required.has(b)) - Number(required.has(a)),
  );
  const set = (name: string, v: unknown) => {
    const next = { ...record };
    if (v === undefined) delete next[name];
    else next[name] = v;
    onChange(path === '' || path === 'metadata' ? next : prune(next));
  };
  return (
    <div className="eos-form__fields">
      {fields.map(([name, child]) => (
        <Field
          key={name}
          name={name}
          path={path ? `${path}.${name}` : name}
          schema={child}
          value={record[name]}
          onChange={(v) => set(name, v)}
          required={required.has(name)}
          depth={depth + 1}
        />
      ))}
    </div>
  );
}

function ObjectSection(props: FieldProps) {
  const form = useForm();
  const { path, schema } = props;
  const [open, setOpen] = useState(() => props.required === true || props.value !== undefined || props.depth <= 1);
  const forced = form.errorPrefixes.has(path);
  const isOpen = open || forced;
  return (
    <details
      className="eos-section"
      id={fieldId(form.idPrefix, path)}
      open={isOpen}
      data-path={path}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        {props.title ?? label(props.name)}
        {props.required && <span className="eos-required"> *</span>}
        {schema.description && <small className="eos-field__hint">{firstSentence(schema.description)}</small>}
      </summary>
      {/* Closed sections render nothing: a Pod template alone has hundreds of fields, some recursive. */}
      {isOpen && (
        <>
          <Messages path={path} id={fieldId(form.idPrefix, path)} />
          <ObjectFields path={path} schema={schema} value={props.value} onChange={props.onChange} depth={props.depth} />
          <RemoveButton onRemove={props.onRemove} what={props.title ?? props.name} />
        </>
      )}
    </details>
  );
}

function emptyOf(schema: JsonSchema, definitions: Record<string, JsonSchema>): unknown {
  const type = schemaType(resolve(schema, definitions));
  return type === 'object' ? {} : type === 'array' ? [] : '';
}

function ArrayField(props: FieldProps) {
  const form = useForm();
  const { path, schema } = props;
  const items = Array.isArray(props.value) ? props.value : [];
  const id = fieldId(form.idPrefix, path);
  const itemName = props.name.endsWith('s') ? props.name.slice(0, -1) : props.name;
  const set = (next: unknown[]) => props.onChange(next.length ? next : undefined);
  return (
    <fieldset className="eos-section eos-list" data-path={path} id={id}>
      <legend>
        {props.title ?? label(props.name)}
        {props.required && <span className="eos-required"> *</span>}
        {schema.description && <small className="eos-field__hint">{firstSentence(schema.description)}</small>}
      </legend>
      <Messages path={path} id={id} />
      {items.map((item, i) => (
        <Field
          key={i}
          name={itemName}
          title={`${label(itemName)} ${i + 1}`}
          path={`${path}[${i}]`}
          schema={schema.items ?? {}}
          value={item}
          depth={props.depth + 1}
          onChange={(v) => set(items.map((old, j) => (j === i ? v : old)))}
          onRemove={() => set(items.filter((_, j) => j !== i))}
        />
      ))}
      <button
        type="button"
        className="eos-button eos-button--quiet"
        onClick={() => set([...items, emptyOf(schema.items ?? {}, form.definitions)])}
      >
        Add {label(itemName).toLowerCase()}
      </button>
    </fieldset>
  );
}

function MapField(props: FieldProps & { valueSchema: JsonSchema }) {
  const form = useForm();
  const { path, schema } = props;
  const record = (props.value && typeof props.value === 'object' ? props.value : {}) as Record<string, unknown>;
  const entries = Object.entries(record);
  const id = fieldId(form.idPrefix, path);
  const set = (next: [string, unknown][]) => props.onChange(next.length ? Object.fromEntries(next) : undefined);
  const valueType = schemaType(resolve(props.valueSchema, form.definitions));
  return (
    <fieldset className="eos-section eos-map" data-path={path} id={id}>
      <legend>
        {props.title ?? label(props.name)}
        {props.required && <span className="eos-required"> *</span>}
        {schema.description && <small className="eos-field__hint">{firstSentence(schema.description)}</small>}
      </legend>
      <Messages path={path} id={id} />
      {entries.map(([key, v], i) => (
        <div className="eos-map__row" key={i}>
          <input
            aria-label={`${label(props.name)} key ${i + 1}`}
            placeholder="key"
            value={key}
            onChange={(e) => set(entries.map(([k, old], j) => (j === i ? [e.target.value, old] : [k, old])))}
          />
          {valueType === 'string' ||
          valueType === 'int-or-string' ||
          valueType === 'integer' ||
          valueType === 'number' ? (
            <>
              <input
                aria-label={`${label(props.name)} value for ${key || `entry ${i + 1}`}`}
                placeholder="value"
                value={v === undefined ? '' : String(v)}
                aria-invalid={form.shown(path) && form.errors.has(`${path}[${key}]`) ? true : undefined}
                onChange={(e) =>
                  set(
                    entries.map(([k, old], j) =>
                      j === i ? [k, parseScalar(e.target.value, valueType) ?? ''] : [k, old],
                    ),
                  )
                }
                onBlur={() => form.touch(path)}
              />
              <Messages path={`${path}[${key}]`} id={`${id}-${i}`} />
            </>
          ) : (
            <Field
              name={key}
              path={`${path}[${key}]`}
              schema={props.valueSchema}
              value={v}
              depth={props.depth + 1}
              onChange={(nv) => set(entries.map(([k, old], j) => (j === i ? [k, nv] : [k, old])))}
            />
          )}
          <button
            type="button"
            className="eos-button eos-button--quiet"
            aria-label={`Remove ${key || `entry ${i + 1}`}`}
            onClick={() => set(entries.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="eos-button eos-button--quiet"
        disabled={Object.hasOwn(record, '')}
        onClick={() => set([...entries, ['', emptyOf(props.valueSchema, form.definitions)]])}
      >
        Add entry
      </button>
    </fieldset>
  );
}

/** Fields the schema leaves open (x-kubernetes-preserve-unknown-fields, or no type): edited as JSON. */
function JsonField(props: FieldProps) {
  const form = useForm();
  const id = fieldId(form.idPrefix, props.path);
  const [text, setText] = useState(() => (props.value === undefined ? '' : JSON.stringify(props.value, null, 2)));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="eos-field" data-path={props.path}>
      <Label props={props} id={id} schema={props.schema} />
      <textarea
        id={id}
        rows={4}
        value={text}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-json` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setProblem(null);
            props.onChange(undefined);
            return;
          }
          try {
            props.onChange(JSON.parse(e.target.value));
            setProblem(null);
          } catch (err) {
            setProblem(`Not valid JSON yet: ${(err as Error).message}. Enter JSON, e.g. {"key": "value"}.`);
          }
        }}
      />
      {problem && (
        <p className="eos-field__error" id={`${id}-json`}>
          {problem}
        </p>
      )}
      <Messages path={props.path} id={id} />
    </div>
  );
}

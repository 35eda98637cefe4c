import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  type GraphQLOutputType,
} from 'graphql';
import { allSchemas, type SchemaObject } from '../../apimachinery/schema.ts';
import { definitionTypeName, fieldName, pascal } from '../names.ts';
import { IntOrStringScalar, JSONScalar, LongScalar, QuantityScalar } from './scalars.ts';
import type { GraphqlContext } from '../context.ts';

// GraphQL output types generated from OpenAPI schemas: the upstream Kubernetes definitions (lib/apimachinery's
// generated openapi-schemas.json), a CRD version's openAPIV3Schema, and the entroos.io result schemas. Objects with
// properties become object types (one per definition, named by it); maps, schemaless and recursive schemas
// (JSONSchemaProps) become the JSON scalar; every field is nullable, since stored objects need not carry all of a
// schema's required fields. Field names GraphQL cannot spell are renamed (names.ts) and read by their JSON key.

export type Source = Record<string, unknown>;
export type Fields = GraphQLFieldConfigMap<Source, GraphqlContext>;
export type FieldConfig = GraphQLFieldConfig<Source, GraphqlContext>;

const REF_PREFIX = '#/components/schemas/';

const JSON_DEFINITIONS = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray',
]);

const SCALAR_DEFINITIONS: Record<string, GraphQLOutputType> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': QuantityScalar,
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': IntOrStringScalar,
};

/** A kind's own type: named after the kind, with fields added to the schema's (relations, `raw`). */
export interface KindOverride {
  name: string;
  description?: string;
  extra: () => Fields;
}

const readKey =
  (key: string): FieldConfig['resolve'] =>
  (source) =>
    source?.[key];

export class TypeFactory {
  private byDefinition = new Map<string, GraphQLOutputType>();
  private inline = new WeakMap<SchemaObject, GraphQLObjectType>();
  private usedNames: Set<string>;

  constructor(
    private readonly overrides: Map<string, KindOverride> = new Map(),
    /** Names taken elsewhere in the schema (another factory's types), so inline types do not reuse them. */
    reserved: Iterable<string> = [],
    /** Definitions another factory has built (the built-ins), shared instead of built twice. */
    private readonly parent?: TypeFactory,
  ) {
    this.usedNames = new Set(reserved);
  }

  /** A fresh name based on `wanted` (`Foo`, `Foo2`…). */
  claim(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.usedNames.has(name) || this.parent?.usedNames.has(name); i++) name = `${wanted}${i}`;
    this.usedNames.add(name);
    return name;
  }

  /** The type of an upstream definition, built once. */
  definition(definition: string): GraphQLOutputType {
    const known = this.byDefinition.get(definition) ?? this.parent?.byDefinition.get(definition);
    if (known) return known;
    if (this.parent && !this.overrides.has(definition)) return this.parent.definition(definition);
    const schema = allSchemas()[definition];
    let type: GraphQLOutputType;
    if (!schema || JSON_DEFINITIONS.has(definition)) type = JSONScalar;
    else if (SCALAR_DEFINITIONS[definition]) type = SCALAR_DEFINITIONS[definition];
    else {
      const override = this.overrides.get(definition);
      const hasFields = !!schema.properties && Object.keys(schema.properties).length > 0;
      type =
        hasFields || override
          ? this.objectType(this.claim(override?.name ?? definitionTypeName(definition)), schema, override)
          : this.scalarFor(schema);
    }
    this.byDefinition.set(definition, type);
    return type;
  }

  /** The type of a schema node; inline object schemas are named `hint`. */
  node(node: SchemaObject | undefined, hint: string): GraphQLOutputType {
    if (!node) return JSONScalar;
    const ref = refOf(node);
    if (ref) return this.definition(ref);
    if (node['x-kubernetes-preserve-unknown-fields'] || node.oneOf || node.anyOf) return JSONScalar;
    if (node['x-kubernetes-int-or-string']) return IntOrStringScalar;
    if (node.type === 'array') return new GraphQLList(this.node(node.items, `${hint}Item`));
    if (node.properties && Object.keys(node.properties).length) {
      // One type per schema object: a schema used in two places (a placement alone, and in its proof) is one type.
      let object = this.inline.get(node);
      if (!object) this.inline.set(node, (object = this.objectType(this.claim(hint), node)));
      return object;
    }
    if (node.type === 'object') return JSONScalar;
    return this.scalarFor(node);
  }

  /** An object type for a schema's properties (and an override's fields). */
  objectType(name: string, schema: SchemaObject, override?: KindOverride): GraphQLObjectType {
    const properties = schema.properties;
    return new GraphQLObjectType<Source, GraphqlContext>({
      name,
      description: override?.description ?? schema.description,
      fields: () => {
        const fields: Fields = {};
        for (const [key, property] of Object.entries(properties ?? {})) {
          const field = fieldName(key);
          if (fields[field]) continue;
          fields[field] = {
            type: this.node(property, `${name}${pascal(key)}`),
            ...(property.description || refDescription(property)
              ? { description: property.description ?? refDescription(property) }
              : {}),
            ...(field !== key ? { resolve: readKey(key) } : {}),
          };
        }
        if (override) Object.assign(fields, override.extra());
        return fields;
      },
    });
  }

  private scalarFor(node: SchemaObject): GraphQLOutputType {
    switch (node.type) {
      case 'string':
        return node.format === 'int-or-string' ? IntOrStringScalar : GraphQLString;
      case 'integer':
        return node.format === 'int32' ? GraphQLInt : LongScalar;
      case 'number':
        return GraphQLFloat;
      case 'boolean':
        return GraphQLBoolean;
      default:
        return JSONScalar;
    }
  }
}

/** The definition a node refers to ($ref, or OpenAPI v3's single-element allOf wrapper around one). */
function refOf(node: SchemaObject): string | undefined {
  const target = typeof node.$ref === 'string' ? node.$ref : node.allOf?.length === 1 ? node.allOf[0].$ref : undefined;
  return typeof target === 'string' && target.startsWith(REF_PREFIX) ? target.slice(REF_PREFIX.length) : undefined;
}

function refDescription(node: SchemaObject): string | undefined {
  const ref = refOf(node);
  return ref ? allSchemas()[ref]?.description : undefined;
}

import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

// The scalars Kubernetes objects need beyond GraphQL's own: any JSON value (maps such as labels, schemaless
// fields, request bodies), 64-bit integers (GraphQL's Int is 32-bit), and the two union-typed strings.

function literal(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: maps (labels, annotations, data), schemaless fields and request bodies.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});

const asLong = (value: unknown): number => {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new GraphQLError(`Long cannot represent ${String(value)}`);
  return n;
};

export const LongScalar = new GraphQLScalarType({
  name: 'Long',
  description: 'A 64-bit integer (int64 in the Kubernetes schemas), as a JSON number.',
  serialize: asLong,
  parseValue: asLong,
  parseLiteral: (node) => asLong(node.kind === Kind.INT || node.kind === Kind.STRING ? node.value : undefined),
});

const passThrough = (name: string, description: string) =>
  new GraphQLScalarType({
    name,
    description,
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: literal,
  });

export const IntOrStringScalar = passThrough(
  'IntOrString',
  'An int32 or a string (a port name or number, a percentage), as sent.',
);
export const QuantityScalar = passThrough('Quantity', 'A Kubernetes quantity such as "100m" or "1Gi" (or a number).');

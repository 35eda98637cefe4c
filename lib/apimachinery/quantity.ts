// Kubernetes resource quantities: "500m", "2", "1.5", "128Mi", "1G", "1e3".

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const PATTERN = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export function isQuantity(value: unknown): boolean {
  return (
    (typeof value === 'string' && PATTERN.test(value.trim())) || (typeof value === 'number' && Number.isFinite(value))
  );
}

/** The numeric value of a quantity (cores for cpu, bytes for memory); NaN when malformed. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  const match = PATTERN.exec(value.trim());
  if (!match) return NaN;
  const [, number, suffix, exponent] = match;
  const n = Number(number);
  if (exponent !== undefined) return n * 10 ** Number(exponent);
  return n * (BINARY[suffix ?? ''] ?? DECIMAL[suffix ?? '']);
}

/** Millicores for a cpu quantity. */
export const milliCpu = (q: unknown) => Math.round(parseQuantity(q) * 1000);

/** Formats bytes the way kubectl shows memory (Ki/Mi/Gi when exact). */
export function formatBytes(bytes: number): string {
  for (const [suffix, factor] of [
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const)
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
  return String(bytes);
}

export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export interface EntropyGaugeProps {
  /** The cluster's utilisation entropy in nats (H = −Σ q ln q over nodes' shares). */
  value: number;
  /** The number of nodes: the maximum is ln(nodes) (load spread perfectly evenly). */
  nodes?: number;
  /** Or the maximum itself. */
  max?: number;
  /** The entropy before a decision, to show the change. */
  before?: number;
  label?: string;
  /** Width in px (the height is half). Default 160. */
  size?: number;
}

const arc = (fraction: number, r: number, cx: number, cy: number) => {
  const angle = Math.PI * (1 - fraction);
  return `M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${(cx + r * Math.cos(angle)).toFixed(2)} ${(cy - r * Math.sin(angle)).toFixed(2)}`;
};

/** A half-circle meter of utilisation entropy: full means load spread evenly, empty means packed onto one node. */
export function EntropyGauge({ value, nodes, max, before, label = 'Entropy', size = 160 }: EntropyGaugeProps) {
  const ceiling = max ?? (nodes && nodes > 1 ? Math.log(nodes) : 1);
  const fraction = Math.min(1, Math.max(0, ceiling > 0 ? value / ceiling : 0));
  const r = 42;
  const delta = before === undefined ? undefined : value - before;
  const valueText = `${value.toFixed(3)} of ${ceiling.toFixed(3)} nats (${Math.round(fraction * 100)} % of even spread)`;
  return (
    <figure className="eos-gauge" style={{ width: size }}>
      <svg
        viewBox="0 0 100 56"
        width={size}
        height={size * 0.56}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Number(ceiling.toFixed(4))}
        aria-valuenow={Number(value.toFixed(4))}
        aria-valuetext={valueText}
      >
        <path d={arc(1, r, 50, 50)} className="eos-gauge__track" fill="none" strokeWidth="10" />
        {fraction > 0 && <path d={arc(fraction, r, 50, 50)} className="eos-gauge__fill" fill="none" strokeWidth="10" />}
        {before !== undefined && ceiling > 0 && (
          <circle
            className="eos-gauge__before"
            r="3"
            cx={50 - r * Math.cos(Math.PI * Math.min(1, Math.max(0, before / ceiling)))}
            cy={50 - r * Math.sin(Math.PI * Math.min(1, Math.max(0, before / ceiling)))}
          />
        )}
        <text x="50" y="48" textAnchor="middle" className="eos-gauge__value">
          {value.toFixed(3)}
        </text>
      </svg>
      <figcaption className="eos-gauge__caption">
        {label}
        {delta !== undefined && (
          <span className={delta >= 0 ? 'eos-gauge__delta eos-up' : 'eos-gauge__delta eos-down'}>
            {' '}
            {delta >= 0 ? '▲' : '▼'} {Math.abs(delta).toFixed(3)}
          </span>
        )}
        <span className="eos-muted"> / {ceiling.toFixed(2)} max</span>
      </figcaption>
    </figure>
  );
}

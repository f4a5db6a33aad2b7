// A minimal Prometheus text-format (0.0.4) writer: HELP and TYPE once per
// family, then its samples. Label values are escaped (\\, \", \n); names are
// checked when a family is declared, not per sample, to keep 50k samples cheap.

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'gauge' | 'counter';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class PrometheusWriter {
  // One growing string: V8 and JSC build it as a rope, cheaper than 50k array entries and a join.
  #text = '';
  #family = '';

  /** Start a family; every sample until the next family belongs to it. */
  family(name: string, type: MetricType, help: string): this {
    if (!METRIC_NAME.test(name)) throw new RangeError(`Invalid metric name ${JSON.stringify(name)}`);
    this.#family = name;
    this.#text += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
    return this;
  }

  /** A sample of the current family; `labels` is pre-rendered by `labels()` (or '' for none). */
  sample(labels: string, value: number): this {
    this.#text += this.#family + labels + ' ' + formatValue(value) + '\n';
    return this;
  }

  text(): string {
    return this.#text;
  }
}

/** `{a="x",b="y"}` with escaped values; render once and reuse for hot series. */
export function labels(pairs: Readonly<Record<string, string>>): string {
  let out = '';
  for (const name in pairs) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new RangeError(`Invalid label name ${JSON.stringify(name)}`);
    out += `${out ? ',' : ''}${name}="${escapeLabelValue(pairs[name] as string)}"`;
  }
  return out ? `{${out}}` : '';
}

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (value >= 0 && value < 10 && Number.isInteger(value)) return DIGITS[value] as string; // op codes, flags
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

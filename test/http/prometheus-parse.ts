// A tiny Prometheus text-format (0.0.4) parser for the tests: every line must
// be a HELP, a TYPE or a sample matching the grammar, and every sample must
// follow its family's HELP and TYPE.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const VALUE = 'NaN|[+-]Inf|[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const ONE_LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

export function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('The exposition must end with a newline');
  const families = new Map<string, Family>();
  let current: Family | null = null;
  const lines = text.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    let m: RegExpExecArray | null;
    if ((m = HELP.exec(line))) {
      if (families.has(m[1]!)) throw new Error(`${where}: a second HELP for ${m[1]}`);
      current = { name: m[1]!, help: m[2]!, type: '', samples: [] };
      families.set(current.name, current);
    } else if ((m = TYPE.exec(line))) {
      if (current === null || current.name !== m[1] || current.type !== '') throw new Error(`${where}: TYPE must follow its HELP, once`);
      current.type = m[2]!;
    } else if ((m = SAMPLE.exec(line))) {
      if (current === null || current.type === '' || m[1] !== current.name) throw new Error(`${where}: a sample outside its family`);
      const labels: Record<string, string> = {};
      for (const [, key, raw] of (m[2] ?? '').matchAll(ONE_LABEL)) {
        labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      }
      current.samples.push({ name: m[1]!, labels, value: Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]) });
    } else {
      throw new Error(`${where}: not valid Prometheus text format`);
    }
  }
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const samples = families.get(name)?.samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)) ?? [];
  if (samples.length > 1) throw new Error(`${samples.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return samples[0]?.value;
}

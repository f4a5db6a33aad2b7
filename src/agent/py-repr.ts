// Python's str()/repr() of decoded WAMP values. OCS reply texts interpolate
// Python values (True, None, 5.0, ['a', 'b']), and clients match those texts.
// A JS number cannot say whether it was an int or a float on the wire: an
// integral number is shown as an int unless the caller knows it is a float.

/** Python `repr(float)`: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = exp + 1; // digits before the decimal point
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = `${digits}${'0'.repeat(point - digits.length)}.0`;
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

/** A number as Python would print it: integral values as ints (see the file comment). */
export function pyNumber(x: number, isFloat = false): string {
  // Beyond 2^53 an integral JS number almost surely came from a Python float.
  if (!isFloat && Number.isSafeInteger(x) && !Object.is(x, -0)) return String(x);
  return pyFloatRepr(x);
}

/** Python `repr(str)`: single quotes unless the text holds ' and no ". */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `repr(value)` of a decoded JSON/msgpack value. */
export function pyRepr(value: unknown, isFloat = false): string {
  if (typeof value === 'string') return pyStrRepr(value);
  return pyStr(value, isFloat);
}

/** Python `str(value)`: strings bare, containers as their repr. */
export function pyStr(value: unknown, isFloat = false): string {
  if (value === null || value === undefined) return 'None';
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      return pyNumber(value, isFloat);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v)).join(', ')}]`;
  if (value instanceof Uint8Array) return `b'${Array.from(value, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) parts.push(`${pyStrRepr(k)}: ${pyRepr(v)}`);
  return `{${parts.join(', ')}}`;
}

/** Python's type name of a decoded value (`type(v).__name__`). */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'object':
      if (Array.isArray(value)) return 'list';
      if (value instanceof Uint8Array) return 'bytes';
      return 'dict';
    default:
      return typeof value;
  }
}

/** `<class 'name'>`, Python's repr of a type. */
export function pyClassRepr(name: string): string {
  return `<class '${name}'>`;
}

/** Python truthiness of a decoded value. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return value !== 0; // NaN is truthy in Python too
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value !== 0n;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Python `==` between decoded values (True == 1 == 1.0; lists and dicts by content). */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = asPyNumber(a);
  const nb = asPyNumber(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  if (ka.length !== Object.keys(rb).length) return false;
  return ka.every((k) => Object.hasOwn(rb, k) && pyEquals((a as Record<string, unknown>)[k], rb[k]));
}

function asPyNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Is `value` a Python dict after decoding (a plain, non-array object)? */
export function isPyDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

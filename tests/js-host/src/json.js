// JSON text exactly as serde_json's `Value::to_string` prints it (the Rust
// reference store and replay re-serialise through `serde_json::Value`, which
// sorts object keys by byte order). Numbers keep their source lexeme, which
// equals serde_json's output for text serde_json itself wrote (fixtures and
// engine output); strings are escaped the way both JSON.stringify and
// serde_json do (", \, control characters).

/** A number kept as its source text. */
class RawNumber {
  constructor(text) {
    this.text = text;
  }
}

/** Parses JSON text into Maps, arrays, strings, RawNumbers, booleans and null. */
export function parseRaw(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (what) => {
    throw new SyntaxError(`JSON: ${what} at offset ${i}`);
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const map = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return map;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        map.set(key, value());
        ws();
        const sep = text[i++];
        if (sep === '}') return map;
        if (sep !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        const sep = text[i++];
        if (sep === ']') return arr;
        if (sep !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m[0].length;
    return new RawNumber(m[0]);
  };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** Orders strings by their UTF-8 bytes (Rust's `str` / BTreeMap order). */
export function byteOrder(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Prints a parseRaw value compactly with sorted keys (serde_json `Value::to_string`). */
export function printSorted(v) {
  if (v instanceof RawNumber) return v.text;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort(byteOrder);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${printSorted(v.get(k))}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(printSorted).join(',')}]`;
  return JSON.stringify(v);
}

/** Re-serialises JSON text the way `serde_json::from_str::<Value>(..).to_string()` does. */
export function canonical(text) {
  return printSorted(parseRaw(text));
}

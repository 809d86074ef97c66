// node --test: the serde_json-compatible re-serialisation the store relies on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical, byteOrder } from './src/json.js';

test('keys are sorted by UTF-8 bytes, as serde_json (BTreeMap) sorts them', () => {
  assert.equal(canonical('{"z":1,"a":{"y":[],"b":{}},"é":true}'), '{"a":{"b":{},"y":[]},"z":1,"é":true}');
  // UTF-16 order would put the astral character first.
  assert.ok(byteOrder('\u{1F600}', '\uFFFD') > 0);
  assert.equal(canonical('{"\u{1F600}":1,"\uFFFD":2}'), '{"\uFFFD":2,"\u{1F600}":1}');
});

test('numbers keep their lexeme (text serde_json wrote stays as it wrote it)', () => {
  // JSON.parse would print 1.0 as 1 and lose the digits of the u64.
  assert.equal(canonical('[1.0, -5, 0.1, 1e21, 12345678901234567890]'), '[1.0,-5,0.1,1e21,12345678901234567890]');
});

test('strings are escaped like serde_json', () => {
  assert.equal(canonical('"a\\u0001\\n\\"\\\\/\\u00e9\\u2028"'), '"a\\u0001\\n\\"\\\\/é\u2028"');
});

test('malformed text is rejected', () => {
  assert.throws(() => canonical('{"a":1,}'), SyntaxError);
  assert.throws(() => canonical('[1] x'), SyntaxError);
});

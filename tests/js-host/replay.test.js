// node --test: replays every IdP conversation through the jco-transpiled
// component and compares the transcript byte for byte with the Rust run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, replayDir, writeTranscript, firstDifference } from './src/replay.js';

const component = await import(process.env.SCIM_JS_COMPONENT ?? './gen/scim_engine.js');

const idps = readdirSync(FIXTURES)
  .filter((n) => statSync(join(FIXTURES, n)).isDirectory())
  .sort();

test('there are conversations to replay', () => {
  assert.ok(idps.length > 0, `no fixture directories under ${FIXTURES}`);
});

const searches = { exact: 0, candidates: 0 };

for (const idp of idps) {
  test(`${idp} conversation`, () => {
    const { files, problems, text, searches: s } = replayDir(component, idp);
    searches.exact += s.exact;
    searches.candidates += s.candidates;
    assert.ok(files > 0, `${idp}: no exchanges`);
    const { rustPath, rust } = writeTranscript(idp, text);
    assert.deepEqual(problems, [], `${problems.length} of ${files} exchanges differ from the fixtures:\n${problems.join('\n')}`);
    assert.ok(
      rust !== undefined,
      `Rust transcript ${rustPath} is missing: run \`cargo test -p scim-engine --test conversations\` first`,
    );
    const diff = firstDifference(text, rust);
    assert.ok(diff === undefined, `${idp}: JS transcript differs from the Rust transcript ${rustPath}\n${diff}`);
  });
}

test('the fixtures exercise both answers of the search contract', () => {
  assert.ok(searches.exact > 0, 'no search was answered exactly');
  assert.ok(searches.candidates > 0, 'no search was answered with candidates');
});

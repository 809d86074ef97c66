// Replays conversation fixtures (tests/fixtures/conversations/<idp>/, format
// in its README.md) through the transpiled component against MemoryStore,
// exactly as guest/tests/support/replay.rs does natively.

import { readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from './memory_store.js';
import { canonical, printSorted, parseRaw } from './json.js';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the conversation fixtures live. */
export const FIXTURES = join(ROOT, 'tests/fixtures/conversations');

/** `$CARGO_TARGET_DIR/transcripts/<host>` (relative to the repository root), else `target/transcripts/<host>`. */
export function transcriptsDir(host) {
  const target = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
  return join(target, 'transcripts', host);
}

/** The clock of the n-th request (minutes after a fixed instant). */
export function now(seq) {
  const two = (n) => String(n).padStart(2, '0');
  return `2026-01-01T${two(Math.floor(seq / 60) % 24)}:${two(seq % 60)}:00Z`;
}

/** The id a create in the n-th request gets. */
export function newId(seq) {
  return `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
}

/** The WIT `request` of a fixture, with the bytes the Rust replay sends. */
export function requestOf(fixture, fixtureText) {
  const r = fixture.request ?? {};
  const s = (k) => (typeof r[k] === 'string' ? r[k] : '');
  // serde_json iterates the headers object in key byte order and prints the
  // body with sorted keys; do the same so both hosts send identical input.
  const rawRequest = parseRaw(fixtureText).get('request');
  const rawHeaders = rawRequest?.get('headers');
  const headers =
    rawHeaders instanceof Map
      ? [...rawHeaders.keys()]
          .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
          .map((k) => [k, typeof r.headers[k] === 'string' ? r.headers[k] : ''])
      : [];
  let body = '';
  if (rawRequest?.has('body')) body = printSorted(rawRequest.get('body'));
  else if (typeof r.bodyText === 'string') body = r.bodyText;
  return { method: s('method'), path: s('path'), query: s('query'), headers, body: Buffer.from(body, 'utf8') };
}

/** Serves one request through the component to its WIT `response`. */
export function serve(component, engine, store, request, seq) {
  const conversation = component.server.serve(engine, request, now(seq), newId(seq));
  try {
    let effect = conversation.next(undefined);
    for (let i = 0; i < 100; i++) {
      if (effect.tag === 'respond') return effect.val;
      const op = effect.val;
      const outcome =
        effect.tag === 'load'
          ? store.load(op)
          : effect.tag === 'search'
            ? store.search(op)
            : effect.tag === 'create'
              ? store.create(op)
              : effect.tag === 'replace'
                ? store.replace(op)
                : effect.tag === 'delete'
                  ? store.delete(op)
                  : undefined;
      if (outcome === undefined) throw new Error(`unknown effect ${effect.tag}`);
      effect = conversation.next(outcome);
    }
    throw new Error('the conversation did not respond within 100 effects');
  } finally {
    conversation[Symbol.dispose]();
  }
}

/** One exchange's actual response, in the shape (and key order) replay.rs writes. */
function transcriptEntry(file, r) {
  return {
    body: r.body,
    file,
    headers: r.headers.map(([k, v]) => [k, v]),
    status: r.status,
    tolerances: r.tolerances.map((t) => ({ detail: t.detail, rule: t.rule })),
  };
}

/** Case-insensitive first header value (Response::header). */
function header(r, name) {
  const lower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const hit = r.headers.find(([k]) => lower(k) === lower(name));
  return hit === undefined ? undefined : hit[1];
}

function firedNames(r) {
  return [...new Set(r.tolerances.map((t) => t.rule))].sort();
}

/**
 * Replays one IdP directory against a fresh store; returns the transcript
 * text and the problems found against the fixtures' expectations.
 */
export function replayDir(component, idp) {
  const dir = join(FIXTURES, idp);
  const config = existsSync(join(dir, 'config.json')) ? readFileSync(join(dir, 'config.json'), 'utf8') : '{}';
  const engine = component.primitives.Engine.open(config);
  const store = new MemoryStore();
  const files = readdirSync(dir)
    .filter((n) => /^[0-9]/.test(n))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const transcript = [];
  const problems = [];
  try {
    files.forEach((name, index) => {
      const text = readFileSync(join(dir, name), 'utf8');
      const fixture = JSON.parse(text);
      const response = serve(component, engine, store, requestOf(fixture, text), index + 1);
      transcript.push(transcriptEntry(name, response));
      const want = fixture.response ?? {};
      const p = [];
      if (want.status !== response.status) p.push(`status ${response.status} != expected ${want.status}`);
      for (const [k, v] of Object.entries(want.headers ?? {})) {
        if (header(response, k) !== v) p.push(`header ${k}: ${header(response, k)} != expected ${v}`);
      }
      const got = response.body === '' ? null : canonical(response.body);
      const wantBody = Object.hasOwn(want, 'body') ? canonical(JSON.stringify(want.body)) : null;
      if (got !== wantBody) p.push(`body differs:\n  got      ${got}\n  expected ${wantBody}`);
      const wantFired = [...(fixture.tolerances ?? [])].sort();
      if (JSON.stringify(firedNames(response)) !== JSON.stringify(wantFired)) {
        p.push(`tolerances ${JSON.stringify(firedNames(response))} != expected ${JSON.stringify(wantFired)}`);
      }
      if (p.length > 0) problems.push(`${idp}/${name}:\n  ${p.join('\n  ')}`);
    });
  } finally {
    engine[Symbol.dispose]();
  }
  return {
    files: files.length,
    problems,
    text: `${JSON.stringify(transcript, null, 2)}\n`,
    searches: { exact: store.exactSearches, candidates: store.candidateSearches },
  };
}

/** Writes the JS transcript and returns it with the Rust one (undefined when missing). */
export function writeTranscript(idp, text) {
  const out = transcriptsDir('js');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${idp}.json`), text);
  const rustPath = join(transcriptsDir('rust'), `${idp}.json`);
  return { rustPath, rust: existsSync(rustPath) ? readFileSync(rustPath, 'utf8') : undefined };
}

/** A readable account of the first difference between two transcripts (undefined when byte-identical). */
export function firstDifference(jsText, rustText) {
  if (jsText === rustText) return undefined;
  let js;
  let rust;
  try {
    js = JSON.parse(jsText);
    rust = JSON.parse(rustText);
  } catch {
    return 'a transcript is not JSON';
  }
  const n = Math.max(js.length, rust.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(js[i], null, 2);
    const b = JSON.stringify(rust[i], null, 2);
    if (a !== b) {
      const al = (a ?? 'undefined').split('\n');
      const bl = (b ?? 'undefined').split('\n');
      const lines = [];
      for (let l = 0; l < Math.max(al.length, bl.length); l++) {
        if (al[l] === bl[l]) lines.push(`  ${al[l]}`);
        else {
          if (bl[l] !== undefined) lines.push(`- ${bl[l]}`);
          if (al[l] !== undefined) lines.push(`+ ${al[l]}`);
        }
      }
      const file = js[i]?.file ?? rust[i]?.file;
      return `first differing exchange #${i + 1} (${file}); - rust, + js:\n${lines.join('\n')}`;
    }
  }
  const jl = jsText.split('\n');
  const rl = rustText.split('\n');
  const l = jl.findIndex((line, k) => line !== rl[k]);
  return `same content, different bytes at line ${l + 1}:\n- ${rl[l]}\n+ ${jl[l]}`;
}

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mock, test } from 'node:test';
import type { Hover } from 'vscode-languageserver-types';
import { Analyzer } from '../../server/src/service/analyze';
import { formatMessage, severityOf } from '../../server/src/service/diagnosticRules';
import type { FileRuleNode } from '../../server/src/service/ast';
import { checkLoops, StalledLoopError } from '../../server/src/service/loopChecks';
import { parse } from '../../server/src/service/parser';
import * as parseRules from '../../server/src/service/parseRules';
import { ODD_CHARS } from '../support/fuzzInputs';
import { marked, memoryFs } from '../support/helpers';
import { LspSession } from '../support/lspSession';
import { parser4, PARSER4_MISSING, rejection, RealParser, systemParser } from '../support/parsers';
// Strict loop checks also when this file runs alone.
import '../support/strictLoops';

const CLI = path.resolve(__dirname, '../../../bin/apparmor-lint.js');

/** Invisible characters met in pasted text, and controls. */
const SAMPLE = ['\u00a0', '\ufeff', '\v', '\f', '\u2028', '\u3000', '\x01', '\0', '\x7f', '\u200b', '\x85'];

/**
 * Where a character stands, and apparmor_parser's verdict there (3.0.8 and 4.1 agree, for
 * every character of SAMPLE): inside a word, a value, a quoted string or a comment it is
 * part of the text; where a token starts it is "Lexer found unexpected character".
 */
const PLACES: [string, (c: string) => string, 'accept' | 'reject'][] = [
  ['a variable value', (c) => `@{x}=a${c}\nprofile p /bin/@{x} {\n}\n`, 'accept'],
  ['a value of its own', (c) => `@{x}=a ${c}\nprofile p /bin/@{x} {\n}\n`, 'accept'],
  ['a path', (c) => `profile p {\n  /a${c} r,\n}\n`, 'accept'],
  ['a profile name', (c) => `profile p${c} {\n}\n`, 'accept'],
  ['a comment', (c) => `profile p {\n  # a${c}b\n}\n`, 'accept'],
  ['a dbus value', (c) => `profile p {\n  dbus send bus=session${c},\n}\n`, 'accept'],
  ['between path and modes', (c) => `profile p {\n  /a${c}r,\n}\n`, 'reject'],
  ['the start of a rule', (c) => `profile p {\n${c}/a r,\n}\n`, 'reject'],
  ['after a rule', (c) => `profile p {\n  /a r,${c}\n}\n`, 'reject'],
  ['the start of the file', (c) => `${c}profile p {\n}\n`, 'reject'],
  ['after a keyword', (c) => `profile p {\n  capability${c}chown,\n}\n`, 'reject'],
  ['after the modes', (c) => `profile p {\n  /a r${c},\n}\n`, 'reject'],
];

/** Inside quotes only NUL is refused. */
const quotedVerdict = (c: string): 'accept' | 'reject' => (c === '\0' ? 'reject' : 'accept');
const QUOTED = (c: string): string => `profile p {\n  "/a${c}" r,\n}\n`;

const code = (c: string): string => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function ourVerdict(text: string): 'accept' | 'reject' {
  const problems = new Analyzer({ fs: memoryFs({}), includeDirs: [] }).analyze('/tmp/case', text).problems;
  return problems.some((p) => severityOf(p.code) === 'error') ? 'reject' : 'accept';
}

function cases(): { name: string; text: string; verdict: 'accept' | 'reject' }[] {
  const out = [];
  for (const c of SAMPLE) {
    for (const [place, make, verdict] of PLACES) out.push({ name: `${code(c)} in ${place}`, text: make(c), verdict });
    out.push({ name: `${code(c)} in a quoted path`, text: QUOTED(c), verdict: quotedVerdict(c) });
  }
  return out;
}

test(`invisible characters and controls: our verdict is apparmor_parser's in ${PLACES.length + 1} places`, () => {
  const wrong = cases().filter((c) => ourVerdict(c.text) !== c.verdict).map((c) => `${c.name}: we ${ourVerdict(c.text)}`);
  assert.deepEqual(wrong, []);
});

for (const [label, parser] of [['3.x', systemParser], ['4.x', parser4]] as [string, RealParser | undefined][]) {
  test(`apparmor_parser ${label} gives the recorded verdicts on invisible characters and controls`, { skip: parser ? false : label === '4.x' ? PARSER4_MISSING : 'apparmor_parser is not installed' }, () => {
    const wrong = cases().filter((c) => (rejection(parser!, c.text) ? 'reject' : 'accept') !== c.verdict).map((c) => c.name);
    assert.deepEqual(wrong, []);
  });
}

test('an invisible character where a token starts is one error at its place, naming it, and is read as a blank', () => {
  const cases: [string, string][] = [
    ['profile p {\n⟦\u00a0⟧ /a r,\n}\n', 'U+00A0 (no-break space)'],
    // At the file's very start it is the byte-order mark, named by its own error (below).
    ['profile p {\n⟦\ufeff⟧/a r,\n}\n', 'U+FEFF (byte-order mark)'],
    ['profile p {\n  capability⟦\u00a0⟧chown,\n}\n', 'U+00A0 (no-break space)'],
    ['profile p {\n  owner⟦\u3000⟧/a r,\n}\n', 'U+3000 (ideographic space)'],
    ['profile p {\n  /a⟦\u000b⟧r,\n}\n', 'U+000B (vertical tab)'],
    ['profile p {\n  /a r,⟦\u200b\u200b⟧\n}\n', 'U+200B (zero-width space)'],
    ['profile p⟦\u00a0⟧{\n}\n', 'U+00A0 (no-break space)'],
    ['profile p {\n  "/a⟦\0⟧" r,\n}\n', 'U+0000 (NUL)'],
    ['profile p {\n  /a r,\n}\n⟦\ud800⟧', 'U+D800 (half of a surrogate pair)'],
  ];
  for (const [src, name] of cases) {
    const { text, start, end } = marked(src);
    const errors = parse(text).errors;
    assert.deepEqual(errors.map((e) => `${e.code} ${e.start}-${e.end} ${e.args['char']}`), [`invisible-char ${start}-${end} ${name}`], JSON.stringify(text));
    assert.match(formatMessage('invisible-char', errors[0]!.args), new RegExp(`^The invisible character ${name.replace(/[()+]/g, '\\$&')} cannot stand here`));
  }
  const bom = parse('\ufeffprofile p {\n}\n').errors;
  assert.deepEqual(bom.map((e) => `${e.code} ${e.start}-${e.end}`), ['byte-order-mark 0-1']);
  // Read as a blank: the rest of the rule is the rule it would be with a space.
  const rule = parse('profile p {\n  capability\u00a0chown,\n}\n').ast.items[0];
  assert.ok(rule?.type === 'profile');
  assert.deepEqual(rule.body.items.length, 0, 'the rule with the keyword glued to the character is skipped, not misread');
  const spaced = parse('profile p {\n\u00a0\u00a0/a r,\n}\n').ast.items[0];
  assert.ok(spaced?.type === 'profile' && spaced.body.items[0]?.type === 'rule');
});

test('a variable value ends only at a blank, a line break or a quote, so no character makes its loop stall', () => {
  for (const c of ODD_CHARS) {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    const result = parse(`@{x}=a${c}b c\n`);
    const v = result.ast.items[0];
    assert.ok(v?.type === 'variable', code(c));
    assert.deepEqual(v.values.map((t) => t.text), [`a${c}b`, 'c'], code(c));
  }
});

test('every odd character at every place of a profile: parsing ends and no loop stalls', () => {
  const profile = '@{V}=/a "b c"\nprofile p /x flags=(complain) {\n  capability chown,\n  /a r,\n  dbus send bus=session,\n  ^h { }\n}\n';
  const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
  let n = 0;
  for (const c of ODD_CHARS) {
    for (let i = 0; i <= profile.length; i++) {
      analyzer.analyze('/tmp/p', profile.slice(0, i) + c + profile.slice(i));
      n++;
    }
  }
  assert.equal(n, ODD_CHARS.length * (profile.length + 1));
});

/** Plants a bug in the parser: a file rule that reads nothing. */
function withStallingFileRule<T>(run: () => T): T {
  const stub = mock.method(parseRules, 'parseFileRule', (): FileRuleNode => ({ type: 'rule', kind: 'file' } as FileRuleNode));
  try {
    return run();
  } finally {
    stub.mock.restore();
  }
}

test('a token loop that does not move on throws under strict checks, and is pushed on otherwise', () => {
  const text = 'profile p {\n  /a r,\n}\n';
  withStallingFileRule(() => {
    assert.throws(() => parse(text), (e: unknown) => e instanceof StalledLoopError && /block loop did not move on from offset 14/.test(e.message));
    checkLoops(false);
    try {
      const ast = parse(text).ast;
      assert.equal(ast.items.length, 1);
    } finally {
      checkLoops(true);
    }
  });
});

test('the CLI checks a variable ending in a no-break space and exits (it once looped until V8 aborted)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-invisible-'));
  try {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, '@{x}=a\u00a0\n');
    const r = spawnSync(process.execPath, [CLI, file], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null, 'killed at the deadline');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1 file checked: 0 errors/);
    fs.writeFileSync(file, 'profile p {\n\u00a0 /a r,\n}\n');
    const bad = spawnSync(process.execPath, [CLI, '--format', 'gcc', file], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stdout, /:2:1: error: The invisible character U\+00A0 \(no-break space\) cannot stand here/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the server answers diagnostics and a hover for a document with a no-break space in a value', async () => {
  const { session } = await LspSession.start({ initializationOptions: { includeDirs: [] } });
  try {
    const uri = 'file:///tmp/invisible-test/f';
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: '@{x}=a\u00a0\nprofile p {\n  capability\u00a0chown,\n}\n' } });
    const diagnostics = await session.diagnosticsFor(uri, 1);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 1).map((d) => [d.code, d.range.start.line, d.range.start.character]), [['invisible-char', 2, 12]]);
    const hover = (await session.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } })) as Hover | null;
    assert.ok(hover, 'no hover for the profile keyword');
    assert.deepEqual(session.serverErrors, []);
  } finally {
    await session.close();
  }
});

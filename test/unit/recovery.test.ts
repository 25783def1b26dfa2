import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { BodyItem, RuleNode, TopItem } from '../../server/src/service/ast';
import { parse } from '../../server/src/service/parser';
import { walkItems } from '../../server/src/service/walk';
import { check, describe, errorsOf } from '../support/helpers';

const RULES = [
  '/etc/app/conf r,',
  'owner @{HOME}/.cache/app/** rw,',
  'capability net_bind_service,',
  'network inet stream,',
  'deny /proc/sys/** w,',
  '/usr/bin/helper Px -> helper,',
  'signal (send) set=(term) peer=helper,',
  'dbus send bus=session path=/org/app member=Ping,',
  'unix (send, receive) type=stream,',
  'ptrace (read) peer=helper,',
  'mount options=(ro) /dev/sda1 -> /mnt/,',
  'set rlimit nofile <= 1024,',
];

/** A profile of `count` rules, one a line, with rule `broken` replaced. */
function profile(count: number, broken?: { index: number; text: string }): { text: string; lineOf: number[] } {
  const lines = ['@{HOME}=/home/*/', 'profile big {'];
  const lineOf: number[] = [];
  for (let i = 0; i < count; i++) {
    lineOf.push(lines.length);
    lines.push('  ' + (broken && broken.index === i ? broken.text : RULES[i % RULES.length]!));
  }
  lines.push('}');
  return { text: lines.join('\n') + '\n', lineOf };
}

function rules(items: readonly (TopItem | BodyItem)[]): RuleNode[] {
  const out: RuleNode[] = [];
  walkItems(items, (item) => {
    if (item.type === 'rule') out.push(item);
  });
  return out;
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length - 1;
}

const BREAKS: [string, string, string][] = [
  ['missing comma', '/etc/app/broken r', 'missing-comma'],
  ['misspelt keyword', 'capabilty chown,', 'unknown-keyword'],
  ['stray token', '/etc/app/x r junk,', 'unexpected-token'],
  ['unknown capability', 'capability net_admn,', 'unknown-capability'],
  ['bad mode letters', '/etc/app/x rq,', 'invalid-permission'],
  ['missing comma after dbus', 'dbus send bus=session path=/org/app member=Ping', 'missing-comma'],
  ['qualifiers swapped', 'deny audit /etc/app/x w,', 'qualifier-order'],
  ['unclosed list', 'signal (send set=(term) peer=helper,', 'unclosed-paren'],
];

for (const [name, text, code] of BREAKS) {
  test(`a 500-line profile with one ${name} gives one error there and keeps every other rule`, () => {
    const index = 250;
    const { text: src, lineOf } = profile(498, { index, text });
    assert.equal(src.split('\n').length - 1, 501);
    const problems = errorsOf(check(src));
    assert.equal(problems.length, 1, describe(problems, src));
    assert.equal(problems[0]!.code, code);
    assert.equal(lineAt(src, problems[0]!.start), lineOf[index]);
    const { ast } = parse(src);
    const found = new Set(rules(ast.items).map((r) => lineAt(src, r.start)));
    const missing = lineOf.filter((l, i) => i !== index && !found.has(l));
    assert.deepEqual(missing, [], 'rules missing from the tree');
  });
}

test('an unclosed block is reported at its brace and everything before the end is parsed', () => {
  const src = 'profile a {\n  /a r,\n  owner {\n    /b r,\n  /c r,\n}\n';
  const problems = errorsOf(check(src));
  assert.equal(problems.length, 1, describe(problems, src));
  assert.equal(problems[0]!.code, 'unclosed-brace');
  assert.equal(src.slice(problems[0]!.start, problems[0]!.end), '{');
  assert.equal(rules(parse(src).ast.items).length, 3);
});

test('a stray closing brace between profiles is reported and the next profile is still parsed', () => {
  const src = 'profile a { /a r, }\n}\nprofile b { /b r, capability chown, }\n';
  const problems = errorsOf(check(src));
  assert.deepEqual(problems.map((p) => `${p.code}@${lineAt(src, p.start)}`), ['unmatched-brace@1']);
  assert.equal(rules(parse(src).ast.items).length, 3);
});

test('a truncated file reports the cut and keeps what came before', () => {
  const { text } = profile(40);
  const cut = text.slice(0, text.indexOf('network', text.length / 2) + 9);
  const problems = errorsOf(check(cut));
  assert.ok(problems.some((p) => p.code === 'unclosed-brace'), describe(problems, cut));
  const lastLine = cut.split('\n').length - 1;
  const elsewhere = problems.filter((p) => p.code !== 'unclosed-brace' && lineAt(cut, p.start) !== lastLine);
  assert.deepEqual(elsewhere, [], describe(problems, cut));
  assert.ok(rules(parse(cut).ast.items).length >= 20);
});

test('every node of a parsed profile carries a span inside the text', () => {
  const { text } = profile(60);
  const { ast } = parse(text);
  walkItems(ast.items, (item) => {
    assert.ok(item.start >= 0 && item.end <= text.length && item.start < item.end, `${item.type} ${item.start}-${item.end}`);
  });
  const r = rules(ast.items)[0]!;
  assert.equal(text.slice(r.start, r.end), RULES[0]);
});

test('comments are kept with their spans', () => {
  const src = '# head\nprofile p { # open\n  /tmp/a#b r, # tail\n}\n';
  const { ast } = parse(src);
  assert.deepEqual(ast.comments.map((c) => src.slice(c.start, c.end)), ['# head', '# open', '# tail']);
});

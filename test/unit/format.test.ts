import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FileNode } from '../../server/src/service/ast';
import { isFragmentPath } from '../../server/src/service/analyze';
import { formatRange, formatText, orderPerms } from '../../server/src/service/features/format';
import { LineIndex } from '../../server/src/service/diagnostics';
import { parse } from '../../server/src/service/parser';
import { collectFiles } from '../../server/src/node/lintFiles';
import { VALID } from '../support/snippets';
import { profileFiles } from '../conformance/run';

const OPTIONS = { tabSize: 2, insertSpaces: true };

/** What a file means: its tree without places, comments, or the order of permission letters. */
export function meaningOf(ast: FileNode): string {
  return JSON.stringify(ast.items, (key, value: unknown) => {
    if (key === 'start' || key === 'end' || key === 'comments') return undefined;
    if (key === 'perms' && value && typeof value === 'object' && 'text' in value) {
      const t = (value as { text: string }).text;
      return [...t].sort().join('');
    }
    return value;
  });
}

test('formats nesting, one rule per line, single spaces, canonical permissions', () => {
  const src = '#include <tunables/global>\nprofile p  /usr/bin/p   flags=(complain) { /a   wr ,  /b rwm, capability chown,\n    owner {\n /c    kw,\n}\n  dbus send\n  bus=session   path="/a  b",  # keep  spaces\n}\n';
  assert.equal(formatText(src, OPTIONS), [
    '#include <tunables/global>',
    'profile p /usr/bin/p flags=(complain) {',
    '  /a rw,',
    '  /b mrw,',
    '  capability chown,',
    '  owner {',
    '    /c wk,',
    '  }',
    '  dbus send',
    '      bus=session path="/a  b",  # keep  spaces',
    '}',
    '',
  ].join('\n'));
  assert.equal(formatText('#include <tunables/global>\n', { ...OPTIONS, modernIncludes: true }), 'include <tunables/global>\n');
  assert.equal(formatText('profile p {\n\t/a r,\n}\n', { tabSize: 4, insertSpaces: false }), 'profile p {\n\t/a r,\n}\n');
});

test('range formatting changes only the lines of the range', () => {
  const src = 'profile p {\n      /a   r,\n   /b    wr,\n      /c   r,\n}\n';
  const lines = new LineIndex(src);
  const edits = formatRange(src, lines, { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } }, OPTIONS);
  assert.deepEqual(edits.map((e) => [e.range.start.line, e.newText]), [[2, '  /b rw,']]);
  // Splitting lines (two rules on one) would reach outside the range: nothing is done.
  assert.deepEqual(formatRange('profile p { /a r, /b r, }\n', new LineIndex('profile p { /a r, /b r, }\n'), { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, OPTIONS), []);
});

test('permission letters in the order m r w a l k, exec transition last', () => {
  assert.equal(orderPerms('rwm'), 'mrw');
  assert.equal(orderPerms('ixrm'), 'mrix');
  assert.equal(orderPerms('Pxr'), 'rPx');
  assert.equal(orderPerms('kwr'), 'rwk');
  assert.equal(orderPerms('rwq'), 'rwq', 'unknown letters are left as written');
});

test('a file with syntax errors is not touched', () => {
  const broken = 'profile p {\n    /a r\n/b   r,\n}\n';
  assert.equal(formatText(broken, OPTIONS), broken);
});

test('every construct snippet formats to the same meaning, idempotently', () => {
  for (const [name, text] of VALID) {
    const once = formatText(text, OPTIONS);
    assert.equal(meaningOf(parse(once).ast), meaningOf(parse(text).ast), name);
    assert.equal(formatText(once, OPTIONS), once, `${name} is not idempotent`);
    assert.deepEqual(parse(once).errors, [], name);
  }
});

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/apparmor.d');
test('over the shared corpus, formatting changes no meaning and is idempotent', { skip: fs.existsSync(CORPUS) ? false : `no shared corpus at ${CORPUS}` }, () => {
  const bad: string[] = [];
  for (const file of collectFiles([CORPUS]).files) {
    const text = fs.readFileSync(file, 'utf8');
    const fragment = isFragmentPath(file);
    const once = formatText(text, OPTIONS, fragment);
    const again = formatText(once, OPTIONS, fragment);
    if (meaningOf(parse(once, { fragment }).ast) !== meaningOf(parse(text, { fragment }).ast)) bad.push(`${file}: meaning changed`);
    else if (again !== once) bad.push(`${file}: not idempotent`);
  }
  assert.deepEqual(bad.slice(0, 10), [], `${bad.length} files`);
});

const PARSER = '/usr/sbin/apparmor_parser';
const DEBIAN = ['/etc/apparmor.d', '/usr/share/apparmor/extra-profiles'].filter((d) => fs.existsSync(d));
test('apparmor_parser accepts every installed profile after formatting', { skip: fs.existsSync(PARSER) && DEBIAN.length ? false : `apparmor_parser is not installed at ${PARSER}`, timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-format-'));
  const rejected: string[] = [];
  try {
    for (const file of profileFiles(DEBIAN)) {
      const out = path.join(tmp, path.basename(file));
      fs.writeFileSync(out, formatText(fs.readFileSync(file, 'utf8'), OPTIONS));
      try {
        execFileSync(PARSER, ['-Q', '-K', '-I', '/etc/apparmor.d', out], { stdio: 'pipe' });
      } catch (e) {
        rejected.push(`${file}: ${(e as { stderr?: Buffer }).stderr?.toString().split('\n')[1] ?? ''}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  assert.deepEqual(rejected, []);
});

test('formatting time grows with the file, not with its square', () => {
  // Unformatted lines of each kind the formatter looks up: comments, quoted paths, several
  // rules on a line, a continued rule, blanks to collapse.
  const chunk = (i: number): string => [
    `  # note ${i}`,
    `  "/srv/a b/${i}"   r,   /x${i} rw,`,
    `  deny /y${i}/**`,
    `     w,`,
    `  include   <abstractions/base>`,
  ].join('\n');
  const profile = (n: number): string => `@{D}=/d\nprofile p {\n${Array.from({ length: n }, (_, i) => chunk(i)).join('\n')}\n}\n`;
  const time = (n: number): number => {
    const text = profile(n);
    let best = Infinity;
    for (let k = 0; k < 2; k++) {
      const t = process.hrtime.bigint();
      formatText(text, OPTIONS);
      best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
    }
    return best;
  };
  time(200);
  const small = time(500);
  const large = time(4000);
  // Eight times the lines: linear work takes about eight times as long, quadratic work 64.
  assert.ok(large < Math.max(40, small * 24), `${small.toFixed(1)} ms for 500 chunks, ${large.toFixed(1)} ms for 4,000`);
  assert.notEqual(formatText(profile(2), OPTIONS), profile(2));
});

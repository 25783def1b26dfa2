import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FileNode } from '../../server/src/service/ast';
import { isFragmentPath } from '../../server/src/service/analyze';
import { FormatOptions, formatRange, formatText } from '../../server/src/service/features/format';
import { orderPerms } from '../../server/src/service/permOrder';
import { LineIndex } from '../../server/src/service/diagnostics';
import { parse } from '../../server/src/service/parser';
import { formatOptions } from '../../server/src/formatOptions';
import type { Settings } from '../../server/src/workspace';
import { collectFiles } from '../../server/src/node/lintFiles';
import { assertGrowth } from '../support/cost';
import { VALID } from '../support/snippets';
import { profileFiles } from '../conformance/run';

const OPTIONS: FormatOptions = { tabSize: 2, insertSpaces: true };
/** Every option that rewrites more than layout. */
const ALL: FormatOptions = { ...OPTIONS, spacing: 'columns', sortPermissions: true, modernIncludes: true };
const SINGLE: FormatOptions = { ...OPTIONS, spacing: 'single', sortPermissions: true };

/** What a file means: its tree without places, comments, the order of permission letters, or the include keyword's form. */
export function meaningOf(ast: FileNode): string {
  return JSON.stringify(ast.items, (key, value: unknown) => {
    if (key === 'start' || key === 'end' || key === 'comments' || key === 'legacy') return undefined;
    // `#include` and `include` mean the same.
    if (key === 'keyword' && value && typeof value === 'object' && (value as { value?: string }).value === '#include') return { ...value, text: 'include', value: 'include' };
    if (key === 'perms' && value && typeof value === 'object' && 'text' in value) {
      const t = (value as { text: string }).text;
      return [...t].sort().join('');
    }
    return value;
  });
}

test('by default only indentation, line breaks between items and trailing blanks change: aligned columns and letter order stay', () => {
  const src = '#include <tunables/global>\nprofile p {  \n      /usr/bin/foo       mrwklx,\n/etc/foo.conf      r,   \n   \n  owner @{HOME}/x   rwk, # as  written\n    capability  chown, /a r,\n}\n';
  assert.equal(formatText(src, OPTIONS), [
    '#include <tunables/global>',
    'profile p {',
    '  /usr/bin/foo       mrwklx,',
    '  /etc/foo.conf      r,',
    '',
    '  owner @{HOME}/x   rwk, # as  written',
    '  capability  chown,',
    '  /a r,',
    '}',
    '',
  ].join('\n'));
});

test('options: permission order, single spaces, aligned columns, modern includes', () => {
  const src = '#include <tunables/global>\nprofile p {\n  /usr/bin/foo  rwm,\n  /etc/foo.conf r,\n  owner /var/lib/foo/** rwk,\n\n  /x   r,\n}\n';
  assert.equal(formatText(src, { ...OPTIONS, sortPermissions: true }), src.replace('rwm', 'mrw').replace('rwk', 'rwk'));
  assert.equal(formatText(src, { ...OPTIONS, spacing: 'single' }), src.replace('foo  rwm', 'foo rwm').replace('/x   r', '/x r'));
  assert.equal(formatText(src, ALL), [
    'include <tunables/global>',
    'profile p {',
    '  /usr/bin/foo          mrw,',
    '  /etc/foo.conf         r,',
    '  owner /var/lib/foo/** rwk,',
    '',
    '  /x r,',
    '}',
    '',
  ].join('\n'));
  assert.equal(formatText(formatText(src, ALL), ALL), formatText(src, ALL), 'aligned columns are idempotent');
});

test('formats nesting, one rule per line, single spaces, canonical permissions', () => {
  const src = '#include <tunables/global>\nprofile p  /usr/bin/p   flags=(complain) { /a   wr ,  /b rwm, capability chown,\n    owner {\n /c    kw,\n}\n  dbus send\n  bus=session   path="/a  b",  # keep  spaces\n}\n';
  assert.equal(formatText(src, SINGLE), [
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
  const edits = formatRange(src, lines, { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } }, SINGLE);
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
    for (const options of [OPTIONS, ALL]) {
      const once = formatText(text, options);
      assert.equal(meaningOf(parse(once).ast), meaningOf(parse(text).ast), name);
      assert.equal(formatText(once, options), once, `${name} is not idempotent`);
      assert.deepEqual(parse(once).errors, [], name);
    }
  }
});

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/apparmor.d');
test('over the shared corpus, formatting changes no meaning and is idempotent', { skip: fs.existsSync(CORPUS) ? false : `no shared corpus at ${CORPUS}` }, () => {
  const bad: string[] = [];
  for (const file of collectFiles([CORPUS]).files) {
    const text = fs.readFileSync(file, 'utf8');
    const fragment = isFragmentPath(file);
    for (const options of [OPTIONS, ALL]) {
      const once = formatText(text, options, fragment);
      const again = formatText(once, options, fragment);
      if (meaningOf(parse(once, { fragment }).ast) !== meaningOf(parse(text, { fragment }).ast)) bad.push(`${file}: meaning changed`);
      else if (again !== once) bad.push(`${file}: not idempotent (${options.spacing ?? 'default'})`);
    }
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
      // Every option at once: the most the formatter ever rewrites.
      fs.writeFileSync(out, formatText(fs.readFileSync(file, 'utf8'), ALL));
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
  const warm = profile(200);
  formatText(warm, ALL);
  const small = profile(500);
  const large = profile(4000);
  // Eight times the lines: linear work takes about eight times as long, quadratic work 64.
  assertGrowth('500 and 4,000 chunks', () => formatText(small, ALL), () => formatText(large, ALL), 24, 40);
  assert.notEqual(formatText(profile(2), OPTIONS), profile(2));
});

test('format settings: dotted or nested keys, the older formatModernIncludes still honoured, unknown spacing kept as written', () => {
  const editor = { tabSize: 2, insertSpaces: true };
  assert.deepEqual(formatOptions({ includeDirs: [] }, editor), { ...editor, modernIncludes: false, sortPermissions: false, spacing: 'keep' });
  assert.deepEqual(formatOptions({ includeDirs: [], 'format.sortPermissions': true, 'format.spacing': 'columns' }, editor), { ...editor, modernIncludes: false, sortPermissions: true, spacing: 'columns' });
  assert.equal(formatOptions({ includeDirs: [], formatModernIncludes: true }, editor).modernIncludes, true);
  const nested = { includeDirs: [], format: { modernIncludes: true, spacing: 'single' } } as Settings;
  assert.deepEqual(formatOptions(nested, editor), { ...editor, modernIncludes: true, sortPermissions: false, spacing: 'single' });
  assert.equal(formatOptions({ includeDirs: [], 'format.spacing': 'tabs' }, editor).spacing, 'keep');
});

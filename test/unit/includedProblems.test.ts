import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import type { Problem } from '../../server/src/service/checks/problems';
import { formatMessage, severityOf } from '../../server/src/service/diagnosticRules';
import { toDiagnostics } from '../../server/src/service/diagnostics';
import { FileSystem, MAX_INCLUDE_DEPTH } from '../../server/src/service/includes';
import { memoryFs } from '../support/helpers';

const D = '/etc/apparmor.d';
const PROFILE = '/work/profile';

/** memoryFs with some files unreadable (for the reason given) and every listing counted. */
function lockedFs(files: Record<string, string>, locked: Record<string, string> = {}): FileSystem & { listings: string[] } {
  const inner = memoryFs({ ...files, ...Object.fromEntries(Object.keys(locked).map((p) => [p, ''])) });
  const listings: string[] = [];
  return {
    listings,
    readFile: (p) => (p in locked ? undefined : inner.readFile(p)),
    stat: (p) => inner.stat(p),
    readDirectory: (p) => {
      listings.push(p);
      return inner.readDirectory(p);
    },
    readError: (p) => locked[p],
  };
}

function analyze(text: string, fs: FileSystem, path = PROFILE): Problem[] {
  return new Analyzer({ fs, includeDirs: [D] }).analyze(path, text).problems.filter((p) => severityOf(p.code) !== 'hint');
}

const summary = (ps: readonly Problem[], text: string): string[] => ps.map((p) => `${p.code}@${text.slice(p.start, p.end).split('\n')[0]}`);
const message = (p: Problem): string => formatMessage(p.code, p.args);

test('an included file with errors is one error at the include line, naming the count and the first, with a related place inside it', () => {
  const fs = lockedFs({ [`${D}/abstractions/broken`]: '  /a rw\n  /b r,\n  capability net_admn,\n' });
  const text = 'profile p {\n  include <abstractions/broken>\n}\n';
  const problems = analyze(text, fs);
  assert.deepEqual(summary(problems, text), ['include-errors@include <abstractions/broken>']);
  assert.equal(message(problems[0]!), 'The included file \'abstractions/broken\' has 2 errors, the first at line 1: This rule is missing its trailing comma: add "," after it.');
  const [d] = toDiagnostics(text, problems);
  assert.deepEqual(d!.relatedInformation, [{
    location: { uri: `file://${D}/abstractions/broken`, range: { start: { line: 0, character: 5 }, end: { line: 0, character: 7 } } },
    message: 'This rule is missing its trailing comma: add "," after it.',
  }]);
});

test('errors inside an included file are reported once per include line, not once per error or per use', () => {
  const fs = lockedFs({ [`${D}/abstractions/broken`]: '  capability a1,\n  capability a2,\n  capability a3,\n' });
  const text = 'profile p {\n  include <abstractions/broken>\n}\nprofile q {\n  include <abstractions/broken>\n  include <abstractions/broken>\n}\n';
  const problems = analyze(text, fs);
  assert.deepEqual(problems.map((p) => p.code), ['include-errors', 'include-errors', 'include-errors']);
  assert.deepEqual(new Set(problems.map((p) => p.start)).size, 3);
  assert.match(message(problems[0]!), /has 3 errors, the first at line 1: Unknown capability 'a1'/);
});

test('an error two includes down is followed to its place, through the include line between', () => {
  const fs = lockedFs({
    [`${D}/abstractions/outer`]: '  /ok r,\n  include <abstractions/inner>\n',
    [`${D}/abstractions/inner`]: '  /x r,\n  /y rw\n',
  });
  const text = 'profile p {\n  include <abstractions/outer>\n}\n';
  const problems = analyze(text, fs);
  assert.deepEqual(problems.map((p) => p.code), ['include-errors']);
  assert.equal(message(problems[0]!), 'The included file \'abstractions/outer\' has 1 error, the first in abstractions/inner at line 2: This rule is missing its trailing comma: add "," after it.');
  assert.deepEqual(problems[0]!.related!.map((r) => `${r.path}:${r.range.start.line + 1}: ${r.message}`), [
    `${D}/abstractions/outer:2: includes abstractions/inner here`,
    `${D}/abstractions/inner:2: This rule is missing its trailing comma: add "," after it.`,
  ]);
});

test('a missing include inside an included file makes the include above an error too', () => {
  const fs = lockedFs({ [`${D}/abstractions/outer`]: '  include <abstractions/gone>\n  include if exists <abstractions/optional>\n' });
  const problems = analyze('profile p {\n  include <abstractions/outer>\n}\n', fs);
  assert.deepEqual(problems.map((p) => p.code), ['include-errors']);
  assert.match(message(problems[0]!), /has 1 error, the first at line 1: Cannot find include 'abstractions\/gone'/);
});

test('an unreadable include is an error that says why; with "if exists" a warning, as apparmor_parser skips it', () => {
  const fs = lockedFs({ [`${D}/abstractions/ok`]: '/a r,\n' }, { [`${D}/abstractions/secret`]: 'permission denied' });
  const text = 'profile p {\n  include <abstractions/secret>\n  include if exists <abstractions/secret>\n  include <abstractions/ok>\n}\n';
  const problems = analyze(text, fs);
  assert.deepEqual(problems.map((p) => `${p.code}: ${message(p)}`), [
    `include-unreadable: Cannot read '${D}/abstractions/secret': permission denied.`,
    `include-unreadable-skipped: Cannot read '${D}/abstractions/secret': permission denied. apparmor_parser skips it ('if exists'), so its rules do not apply.`,
  ]);
  assert.equal(severityOf('include-unreadable'), 'error');
  assert.equal(severityOf('include-unreadable-skipped'), 'warning');
});

test('an included folder that cannot be listed, and an unreadable file inside an included folder, are errors', () => {
  const locked: FileSystem = {
    ...memoryFs({ [`${D}/abstractions/dir/a`]: '/a r,\n', [`${D}/abstractions/dir/b`]: '/b r,\n', [`${D}/abstractions/shut/x`]: '' }),
    readDirectory: (p) => (p.endsWith('/shut') ? [] : ['a', 'b']),
    readFile: (p) => (p.endsWith('/b') ? undefined : '/a r,\n'),
    readError: (p) => (p.endsWith('/shut') || p.endsWith('/b') ? 'permission denied' : undefined),
  };
  const text = 'profile p {\n  include <abstractions/shut>\n  include <abstractions/dir>\n}\n';
  assert.deepEqual(analyze(text, locked).map(message), [
    `Cannot read '${D}/abstractions/shut': permission denied.`,
    `Cannot read '${D}/abstractions/dir/b': permission denied.`,
  ]);
});

test('a path out of the search path is read like any other: what it holds decides', () => {
  // The file system resolves '..'; this one knows the paths as the resolver joins them.
  const fs = lockedFs({ [`${D}/../../../../etc/passwd`]: 'root:x:0:0:root:/root:/bin/bash\n', [`${D}/../../srv/rules`]: '/srv/** r,\n' });
  const bad = 'profile p {\n  include <../../../../etc/passwd>\n}\n';
  assert.deepEqual(summary(analyze(bad, fs), bad), ['include-errors@include <../../../../etc/passwd>']);
  assert.deepEqual(analyze('profile p {\n  include <../../srv/rules>\n}\n', fs), []);
});

test('include <> and include "" name nothing: an error, with or without "if exists", and nothing is listed', () => {
  const fs = lockedFs({ [`${D}/abstractions/a`]: '/a r,\n' });
  for (const inc of ['include <>', 'include ""', 'include if exists <>', 'include < >']) {
    const text = `profile p {\n  ${inc}\n}\n`;
    assert.deepEqual(analyze(text, fs).map((p) => p.code), ['include-missing-name'], inc);
  }
  assert.deepEqual(fs.listings, []);
});

test('an unclosed include whose recovered name is a folder is not read; one that names a file still is', () => {
  const files: Record<string, string> = { [`${D}/tunables/global`]: '@{HOME}=/home/*/\n' };
  for (let i = 0; i < 50; i++) files[`${D}/profiles/p${i}`] = `profile p${i} { @{UNDEFINED_${i}} r, }\n`;
  const fs = lockedFs(files);
  const problems = analyze('include <tunables/global\nprofile p {\n  include <profiles\n  @{HOME} r,\n}\n', fs);
  assert.deepEqual(problems.map((p) => p.code), ['include-unclosed', 'include-unclosed']);
  assert.deepEqual(fs.listings, []);
});

test('a folder include is listed once however often it is included and analyzed', () => {
  const fs = lockedFs({ [`${D}/tunables/home.d/a`]: '@{A}=/a\n', [`${D}/tunables/home.d/b`]: '@{B}=/b\n' });
  const analyzer = new Analyzer({ fs, includeDirs: [D] });
  const text = 'include <tunables/home.d>\nprofile p {\n  include <tunables/home.d>\n  @{A} r, @{B} r,\n}\n';
  for (let i = 0; i < 3; i++) analyzer.analyze(PROFILE, text + '#'.repeat(i) + '\n');
  assert.deepEqual(fs.listings, [`${D}/tunables/home.d`]);
});

test('a file that includes itself, and A → B → A, end with the cycle warning and no error', () => {
  const fs = lockedFs({
    [`${D}/abstractions/self`]: '  /s r,\n  include <abstractions/self>\n',
    [`${D}/abstractions/a`]: '  /a r,\n  include <abstractions/b>\n',
    [`${D}/abstractions/b`]: '  /b r,\n  include <abstractions/a>\n',
  });
  for (const name of ['self', 'a']) {
    assert.deepEqual(analyze(`profile p {\n  include <abstractions/${name}>\n}\n`, fs).map((p) => p.code), ['include-cycle'], name);
  }
  // Checked on its own, the fragment in the cycle is the same.
  assert.deepEqual(analyze('  /b r,\n  include <abstractions/a>\n', fs, `${D}/abstractions/b`).map((p) => p.code), ['include-cycle']);
});

test('an error in a file on an include cycle is still reported at the include', () => {
  const fs = lockedFs({
    [`${D}/abstractions/a`]: '  /a r,\n  include <abstractions/b>\n',
    [`${D}/abstractions/b`]: '  /b rw\n  include <abstractions/a>\n',
  });
  const problems = analyze('profile p {\n  include <abstractions/a>\n}\n', fs);
  assert.deepEqual(problems.map((p) => p.code).sort(), ['include-cycle', 'include-errors']);
});

test('a chain of includes deeper than the limit ends with a warning, no throw; an error within the limit is found', () => {
  const files: Record<string, string> = {};
  const n = MAX_INCLUDE_DEPTH * 3;
  for (let i = 0; i < n; i++) files[`${D}/abstractions/c${i}`] = `  /f${i} r,\n  include <abstractions/c${i + 1}>\n`;
  files[`${D}/abstractions/c${n}`] = '  /end r,\n';
  const text = 'profile p {\n  include <abstractions/c0>\n}\n';
  assert.deepEqual(analyze(text, lockedFs(files)).map((p) => p.code), ['include-too-deep']);
  files[`${D}/abstractions/c${MAX_INCLUDE_DEPTH - 10}`] = `  capability bogus,\n  include <abstractions/c${MAX_INCLUDE_DEPTH - 9}>\n`;
  assert.deepEqual(analyze(text, lockedFs(files)).map((p) => p.code).sort(), ['include-errors', 'include-too-deep']);
});

test('a byte-order mark is one error that names it, and the file is read after it', () => {
  const text = '\ufeffprofile p {\n  /a r,\n}\n';
  const problems = analyze(text, lockedFs({}));
  assert.deepEqual(problems.map((p) => p.code), ['byte-order-mark']);
  assert.match(message(problems[0]!), /byte-order mark \(U\+FEFF\)/);
  const fs = lockedFs({ [`${D}/abstractions/bom`]: '\ufeff  /a r,\n' });
  const included = analyze('profile p {\n  include <abstractions/bom>\n}\n', fs);
  assert.match(message(included[0]!), /has 1 error, the first at line 1: The file starts with a byte-order mark/);
});

test('a carriage return without a line feed is an error, once per file; CR LF, and CR in comments or strings, are not', () => {
  const crOnly = 'profile p {\r  /a r,\r  /b r,\r}\r';
  const problems = analyze(crOnly, lockedFs({}));
  assert.deepEqual(problems.map((p) => [p.code, p.start]), [['lone-carriage-return', 11]]);
  assert.match(message(problems[0]!), /\(4 in this file\)/);
  assert.deepEqual(analyze('profile p {\r\n  /a r,\r\n}\r\n', lockedFs({})), []);
  assert.deepEqual(analyze('profile p {\n  # a\rb\n  "/a\rb" r,\n}\n', lockedFs({})), []);
  assert.deepEqual(analyze('profile p {\n  /a r, \r \n}\n', lockedFs({})).map((p) => p.code), ['lone-carriage-return']);
});

test('variables defined in terms of each other are an error where one is used, as apparmor_parser expands only those', () => {
  const fs = lockedFs({ [`${D}/tunables/loop`]: '@{L}=@{M}\n@{M}=/m @{L}\n', [`${D}/abstractions/uses`]: '  @{A}/x r,\n' });
  const at = (text: string): string[] => analyze(text, fs).map((p) => `${p.code}@${text.slice(p.start, p.end).split('\n')[0]}: ${message(p)}`);
  assert.deepEqual(at('@{A}=@{B}\n@{B}=@{A}\nprofile p {\n  @{A} r,\n  @{A}/y r,\n}\n'), ['variable-recursive@@{A}: @{A} cannot be expanded: its value refers back to itself (@{A} → @{B} → @{A}).']);
  assert.deepEqual(at('@{A}=@{B}\n@{B}=@{A}\nprofile p {\n  /x r,\n}\n'), []);
  assert.deepEqual(at('@{A}=@{A}\nprofile p {\n  @{A} r,\n}\n'), ['variable-recursive@@{A}: @{A} cannot be expanded: its value refers back to itself (@{A} → @{A}).']);
  assert.deepEqual(at('@{A}=/a\n@{B}=@{A}\n@{A}+=@{B}\nprofile p {\n  @{B} r,\n}\n').map((s) => s.split(':')[0]), ['variable-recursive@@{B}']);
  assert.deepEqual(at('@{A}=@{B}\n@{B}=@{A}\nprofile p {\n  include <abstractions/uses>\n}\n').map((s) => s.split(':')[0]), ['variable-recursive@include <abstractions/uses>']);
  assert.deepEqual(at('include <tunables/loop>\nprofile p {\n  @{L} r,\n}\n').map((s) => s.split(':')[0]), ['variable-recursive@@{L}']);
  assert.deepEqual(at('@{A}=@{NOPE}\nprofile p {\n  @{A} r,\n}\n'), ['variable-undefined@@{A}: @{NOPE} is never defined (in the value of @{A}).']);
});

test('expanding variables that share values costs once per variable, not once per path to it', () => {
  // Each @{Vi} refers to @{Vi+1} twice: 2^40 paths, 40 variables.
  const defs = Array.from({ length: 40 }, (_, i) => `@{V${i}}=@{V${i + 1}}/a @{V${i + 1}}/b\n`).join('') + '@{V40}=/end\n';
  assert.deepEqual(analyze(`${defs}profile p {\n  @{V0} r,\n}\n`, lockedFs({})), []);
});

test('after an included file changes, the includers above it see the change, and only it is read again', () => {
  const files: Record<string, string> = {
    [`${D}/abstractions/outer`]: '  include <abstractions/inner>\n',
    [`${D}/abstractions/inner`]: '  /a rw\n',
    [`${D}/abstractions/other`]: '  /o r,\n',
  };
  const reads: string[] = [];
  const inner = memoryFs(files);
  const fs: FileSystem = { ...inner, readFile: (p) => (reads.push(p), files[p]) };
  const analyzer = new Analyzer({ fs, includeDirs: [D] });
  const text = 'profile p {\n  include <abstractions/outer>\n  include <abstractions/other>\n}\n';
  const codes = (): string[] => analyzer.analyze(PROFILE, text).problems.filter((p) => severityOf(p.code) === 'error').map((p) => p.code);
  assert.deepEqual(codes(), ['include-errors']);
  files[`${D}/abstractions/inner`] = '  /a rw,\n';
  assert.equal(analyzer.invalidate(`${D}/abstractions/inner`), true);
  reads.length = 0;
  assert.deepEqual(codes(), []);
  assert.deepEqual(reads, [`${D}/abstractions/inner`]);
});

test('a file of bare rules is refused as a profile, unless a file checked before includes it', () => {
  const rules = 'capability chown,\n';
  const fs = memoryFs({ '/work/rules': rules });
  const alone = new Analyzer({ fs, includeDirs: [D] });
  assert.deepEqual(alone.analyze('/work/rules', rules).problems.map((p) => p.code), ['rules-without-profile']);
  const after = new Analyzer({ fs, includeDirs: [D] });
  after.analyze(PROFILE, 'profile p {\n  include "rules"\n}\n');
  const again = after.analyze('/work/rules', rules);
  assert.equal(again.fragment, true);
  assert.deepEqual(again.problems.map((p) => p.code), []);
});

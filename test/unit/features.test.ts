import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { EXEC_DOCS, PERMISSION_DOCS } from '../../server/src/service/data/docs';
import { CAPABILITIES } from '../../server/src/service/data/facts';
import { LineIndex } from '../../server/src/service/diagnostics';
import { doComplete } from '../../server/src/service/features/doComplete';
import { doHover } from '../../server/src/service/features/doHover';
import { doRename, prepareRename } from '../../server/src/service/features/doRename';
import { findDefinition } from '../../server/src/service/features/findDefinition';
import { findReferences } from '../../server/src/service/features/findReferences';
import { refuseRename } from '../../server/src/service/features/refuseRename';
import { variablesInScope } from '../../server/src/service/features/variablesInScope';
import { parse } from '../../server/src/service/parser';
import { memoryFs } from '../support/helpers';

/** Splits a snippet at its `|` cursor. */
function cursor(src: string): { text: string; offset: number } {
  const offset = src.indexOf('|');
  return { text: src.slice(0, offset) + src.slice(offset + 1), offset };
}

function hover(src: string): string | undefined {
  const { text, offset } = cursor(src);
  const h = doHover(parse(text).ast, new LineIndex(text), offset);
  return h ? (h.contents as { value: string }).value : undefined;
}

function labels(src: string, includeNames: string[] = []): string[] {
  const { text, offset } = cursor(src);
  return doComplete(text, offset, { includeNames, variables: ['HOME', 'APP'], profileNames: () => ['helper', 'app'] }).items.map((i) => i.label);
}

test('hover explains every permission letter', () => {
  for (const letter of Object.keys(PERMISSION_DOCS)) {
    const perms = letter === 'x' ? 'x' : letter;
    const text = hover(`profile p { ${letter === 'x' ? 'deny ' : ''}/a |${perms}, }`);
    assert.ok(text?.includes(PERMISSION_DOCS[letter]!), `${letter}: ${text}`);
  }
});

test('hover explains every exec transition, with its target', () => {
  for (const mode of Object.keys(EXEC_DOCS)) {
    const text = hover(`profile p { /usr/bin/x r|${mode} -> tgt, }`);
    assert.ok(text?.includes(`**${mode}** — ${EXEC_DOCS[mode]!}`), `${mode}: ${text}`);
    assert.match(text!, /Target profile: `tgt`/);
    assert.ok(text!.includes(PERMISSION_DOCS['r']!));
  }
  assert.match(hover('profile p { /a p|Ix, }')!, /Discrete profile, else inherit/);
});

test('hover on capabilities marks the powerful ones; keywords and flags have docs', () => {
  assert.match(hover('profile p { capability sys_|module, }')!, /CAP_SYS_MODULE[\s\S]*Powerful/);
  assert.doesNotMatch(hover('profile p { capability ch|own, }')!, /Powerful/);
  assert.match(hover('profile p { net|work inet, }')!, /Network access/);
  assert.match(hover('profile p flags=(compl|ain) { }')!, /profile mode/);
  assert.equal(hover('profile p { /a r, }|'), undefined);
  assert.match(hover('a|bi <abi/3.0>,\nprofile p { }')!, /kernel feature set/);
  assert.match(hover('profile p { dbus (se|nd) bus=session, }')!, /dbus permission: send messages/);
  assert.match(hover('profile p { signal set=(h|up), }')!, /SIGHUP/);
  assert.match(hover('profile p { mount options=(nos|uid) -> /m/, }')!, /mount option/);
  assert.match(hover('profile p { set rlimit no|file <= 10, }')!, /RLIMIT_NOFILE/);
  assert.match(hover('profile p { prior|ity=3 /a r, }')!, /-1000 to 1000/);
});

test('completion depends on where the cursor is', () => {
  assert.equal(labels('profile p {\n  capability |\n}').length, CAPABILITIES.size);
  assert.ok(labels('profile p {\n  capability chown |\n}').includes('fowner'));
  assert.ok(labels('profile p {\n  network |\n}').includes('inet6'));
  assert.ok(labels('profile p {\n  network inet |\n}').includes('stream'));
  assert.deepEqual(labels('profile p {\n  include <abs|\n}', ['abstractions/base', 'tunables/global']), ['abstractions/base', 'tunables/global']);
  assert.ok(labels('profile p {\n  #include if exists <|\n}', ['abstractions/base']).includes('abstractions/base'));
  assert.ok(labels('profile p {\n  @{|\n}').includes('HOME'));
  assert.ok(labels('profile p {\n  /etc/x |\n}').includes('Px'));
  assert.ok(labels('profile p flags=(|) {\n}').includes('complain'));
  assert.ok(labels('profile p {\n  |\n}').includes('capability'));
  assert.deepEqual(labels('profile p {\n  /etc/x r, # a comment |\n}'), []);
  assert.ok(labels('profile p {\n  signal (send) set=(hup, |\n}').includes('term'));
  assert.ok(labels('profile p {\n  dbus (|\n}').includes('eavesdrop'));
  assert.ok(labels('profile p {\n  ptrace (read, |\n}').includes('tracedby'));
  assert.ok(labels('profile p {\n  mount options=(ro, |\n}').includes('nosuid'));
  assert.ok(labels('profile p {\n  set rlimit |\n}').includes('nofile'));
  assert.ok(labels('profile p {\n  set rlimit data <= 100|\n}').includes('M'));
  assert.ok(labels('profile p {\n  set rlimit cpu <= 10|\n}').includes('seconds'));
  assert.deepEqual(labels('profile p {\n  /usr/bin/h Px -> |\n}'), ['helper', 'app']);
  assert.deepEqual(labels('profile p {\n  signal peer=|\n}'), ['helper', 'app']);
});


/** The line after accepting the completion item labelled `label` at the `|`, as an editor applies its edit. */
function accept(src: string, label: string, triggerCharacter?: string): string {
  const { text, offset } = cursor(src);
  const item = doComplete(text, offset, { includeNames: ['abstractions/base', 'abstractions/nameservice'], variables: ['APP', 'HOME'], triggerCharacter }).items.find((i) => i.label === label);
  assert.ok(item?.textEdit && 'range' in item.textEdit, `an item ${label} with an edit at ${JSON.stringify(src)}`);
  const lines = new LineIndex(text);
  const { range, newText } = item.textEdit;
  return text.slice(0, lines.offsetAt(range.start)) + newText + text.slice(lines.offsetAt(range.end));
}

test('variables complete inside an auto-closed @{}, after a bare @ and inside paths, without doubling the brace', () => {
  assert.equal(accept('profile p {\n  @{|}\n}', 'HOME'), 'profile p {\n  @{HOME}\n}');
  assert.equal(accept('profile p {\n  @{HO|}\n}', 'HOME'), 'profile p {\n  @{HOME}\n}');
  assert.equal(accept('profile p {\n  @{HO|\n}', 'HOME'), 'profile p {\n  @{HOME}\n}');
  assert.equal(accept('profile p {\n  @{H|OM} r,\n}', 'HOME'), 'profile p {\n  @{HOME} r,\n}');
  assert.equal(accept('profile p {\n  /home/@{|}/.app r,\n}', 'HOME'), 'profile p {\n  /home/@{HOME}/.app r,\n}');
  assert.equal(accept('profile p {\n  @|\n}', 'APP', '@'), 'profile p {\n  @{APP}\n}');
  assert.equal(accept('profile p {\n  owner /run/@|\n}', 'profile_name'), 'profile p {\n  owner /run/@{profile_name}\n}');
  // The editor filters by the typed part of the name: the range starts where the name does.
  const { text, offset } = cursor('profile p {\n  @{HO|}\n}');
  const item = doComplete(text, offset, { variables: ['HOME'] }).items.find((i) => i.label === 'HOME')!;
  assert.deepEqual((item.textEdit as { range: unknown }).range, { start: { line: 1, character: 4 }, end: { line: 1, character: 6 } });
  assert.deepEqual(labels('profile p {\n  /etc/x r, # mail me@|\n}'), []);
});


const NAV = '@{APP} = /usr/bin/app\ninclude <tunables/global>\nprofile app @{APP} {\n  @{APP} mr,\n  @{HOME}/.app/** rw,\n  /usr/bin/helper Px -> helper,\n}\nprofile helper {\n}\n';

test('definition: variables here and in included tunables, profiles named as targets, include files', () => {
  const fs = memoryFs({ '/etc/apparmor.d/tunables/global': '# tunables\n@{HOME}=/home/*/\n' });
  const analyzer = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] });
  const ast = analyzer.analyze('/p', NAV).parse.ast;
  const at = (needle: string, delta = 1): number => NAV.indexOf(needle) + delta;
  const home = findDefinition(analyzer, '/p', NAV, ast, at('@{HOME}/.app', 3));
  assert.deepEqual(home.map((l) => [l.uri, l.range.start.line, l.range.start.character]), [['file:///etc/apparmor.d/tunables/global', 1, 2]]);
  const app = findDefinition(analyzer, '/p', NAV, ast, at('@{APP} mr', 3));
  assert.deepEqual(app.map((l) => [l.uri, l.range.start.line]), [['file:///p', 0]]);
  const helper = findDefinition(analyzer, '/p', NAV, ast, at('-> helper', 5));
  assert.deepEqual(helper.map((l) => l.range.start.line), [7]);
  const inc = findDefinition(analyzer, '/p', NAV, ast, at('tunables/global', 2));
  assert.deepEqual(inc.map((l) => l.uri), ['file:///etc/apparmor.d/tunables/global']);
});

test('references and rename cover the declaration and every use; built-ins cannot be renamed', () => {
  const ast = parse(NAV).ast;
  const lines = new LineIndex(NAV);
  const at = NAV.indexOf('@{APP} mr') + 3;
  assert.deepEqual(findReferences('u', NAV, ast, lines, at).map((l) => l.range.start.line), [0, 2, 3]);
  const edit = doRename('u', NAV, ast, lines, at, 'BIN')!;
  let renamed = NAV;
  for (const e of [...edit.changes!['u']!].reverse()) renamed = renamed.slice(0, lines.offsetAt(e.range.start)) + e.newText + renamed.slice(lines.offsetAt(e.range.end));
  assert.equal(renamed, NAV.replace(/@\{APP\}/g, '@{BIN}'));
  assert.equal(doRename('u', NAV, ast, lines, at, 'not valid'), null);
  const profileEdit = doRename('u', NAV, ast, lines, NAV.indexOf('-> helper') + 5, 'assistant')!;
  assert.equal(profileEdit.changes!['u']!.length, 2);
  const builtin = 'profile p { @{profile_name} r, }';
  assert.equal(prepareRename(builtin, parse(builtin).ast, new LineIndex(builtin), 15), null);
  assert.equal(prepareRename(NAV, ast, lines, at)!.placeholder, 'APP');
});

test('hover on variables lists every definition with its values; includes show their files; profiles their attachment', () => {
  const fs = memoryFs({ '/etc/apparmor.d/tunables/global': '# tunables\n@{HOME}=/home/*/ /root/\n' });
  const analyzer = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] });
  const text = 'include <tunables/global>\n@{HOME} += /srv/home/\nprofile app /usr/bin/app flags=(complain) {\n  @{HOME}/.app r,\n  network inet6 raw,\n}\n';
  const ast = analyzer.analyze('/p', text).parse.ast;
  const at = (needle: string, delta: number): string | undefined => {
    const h = doHover(ast, new LineIndex(text), text.indexOf(needle) + delta, { analyzer, path: '/p', text });
    return h ? (h.contents as { value: string }).value : undefined;
  };
  const home = at('@{HOME}/.app', 3)!;
  assert.match(home, /`=` `\/home\/\*\/` `\/root\/` — \/etc\/apparmor.d\/tunables\/global, line 2/);
  assert.match(home, /`\+=` `\/srv\/home\/` — this file, line 2/);
  assert.match(at('tunables/global', 3)!, /\/etc\/apparmor.d\/tunables\/global`: 0 rules, 1 variable/);
  assert.match(at('app /usr', 1)!, /profile app\*\* — attaches to `\/usr\/bin\/app` — flags: `complain`/);
  assert.match(at('raw', 1)!, /SOCK_RAW[\s\S]*forge/);
  assert.match(at('inet6', 1)!, /AF_INET6/);
});

test('completion stays alive through an include name: the typed part is replaced, the closing > kept or added', () => {
  assert.equal(accept('profile p {\n  include <abstractions/na|>\n}', 'abstractions/nameservice', '/'), 'profile p {\n  include <abstractions/nameservice>\n}');
  assert.equal(accept('  include if exists <|', 'abstractions/base', '<'), '  include if exists <abstractions/base>');
  assert.deepEqual(doComplete('profile p {\n  \n}', 14, { triggerCharacter: ' ' }).items, []);
  assert.ok(doComplete('profile p {\n  \n}', 14).items.some((i) => i.label === 'capability'), 'Ctrl+Space in indentation still offers the rules');
  assert.ok(labels('profile p {\n  /etc/x |\n}').includes('r'), 'a space after a path offers permissions');
});

test('the variables in scope for completion include those of the included tunables', () => {
  const fs = memoryFs({ '/etc/apparmor.d/tunables/global': 'include <tunables/home>\n', '/etc/apparmor.d/tunables/home': '@{HOME}=/home/*/\n' });
  const analyzer = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] });
  const text = 'include <tunables/global>\n@{APP}=/usr/bin/app\nprofile p {\n}\n';
  assert.deepEqual(variablesInScope(analyzer, '/p', analyzer.analyze('/p', text).parse.ast).sort(), ['APP', 'HOME']);
});

test('rename is refused when it would edit a file outside the workspace folders, saying where the symbol is defined', () => {
  const fs = memoryFs({ '/etc/apparmor.d/tunables/global': '@{HOME}=/home/*/\n', '/ws/tunables/app': '@{APP}=/usr/bin/app\n' });
  const analyzer = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] });
  const text = 'include <tunables/global>\ninclude "/ws/tunables/app"\nprofile app {\n  @{HOME}/.app r,\n  @{APP} mr,\n}\n';
  const ast = analyzer.analyze('/ws/app', text).parse.ast;
  const lines = new LineIndex(text);
  const refuse = (needle: string, others: { uri: string; text: string; fragment: boolean }[] = [], folders = ['/ws']) =>
    refuseRename('file:///ws/app', text, ast, lines, text.indexOf(needle) + 3, { analyzer, folders, others: () => others });
  assert.match(refuse('@{HOME}/')!, /^@\{HOME\} is defined in \/etc\/apparmor\.d\/tunables\/global, outside the workspace folders/);
  assert.equal(refuse('@{APP} mr'), undefined);
  const abstraction = { uri: 'file:///etc/apparmor.d/abstractions/app', text: '@{APP} r,\n', fragment: true };
  assert.match(refuse('@{APP} mr', [abstraction])!, /@\{APP\} \(defined in \/ws\/tunables\/app\) is also used in \/etc\/apparmor\.d\/abstractions\/app/);
  assert.match(refuse('@{APP} mr', [], [])!, /defined in \/ws\/tunables\/app, outside the workspace folders/);
  // A relative include that climbs out of the workspace is outside it.
  const climbing = 'include "../etc/apparmor.d/tunables/global"\nprofile p {\n  @{HOME}/x r,\n}\n';
  // A real file system reads the path as written, `..` and all; this one is told it.
  const climber = new Analyzer({ fs: memoryFs({ '/ws/../etc/apparmor.d/tunables/global': '@{HOME}=/home/*/\n' }), includeDirs: [] });
  const climbingAst = climber.analyze('/ws/p', climbing).parse.ast;
  const why = refuseRename('file:///ws/p', climbing, climbingAst, new LineIndex(climbing), climbing.indexOf('@{HOME}') + 3, { analyzer: climber, folders: ['/ws'], others: () => [] });
  assert.match(why!, /^@\{HOME\} is defined in \/etc\/apparmor\.d\/tunables\/global, outside/);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Diagnostic } from 'vscode-languageserver-types';
import { Analyzer } from '../../server/src/service/analyze';
import { LineIndex, toDiagnostics } from '../../server/src/service/diagnostics';
import { detectIncludeRoots } from '../../server/src/service/detectIncludeRoots';
import { getCodeActions } from '../../server/src/service/features/getCodeActions';
import { foldUnresolved } from '../../server/src/service/foldUnresolved';
import { parse } from '../../server/src/service/parser';
import { memoryFs } from '../support/helpers';

const TREE = {
  '/src/apparmor.d/tunables/global': '@{bin}=/usr/bin\n',
  '/src/apparmor.d/abstractions/base': '/etc/ld.so.cache r,\n',
  '/src/apparmor.d/groups/gnome/gnome-shell': 'include <tunables/global>\nprofile gnome-shell @{bin}/gnome-shell {\n  include <abstractions/base>\n}\n',
  '/src/docs/readme': '',
};

test('include roots are found by their layout: a workspace folder, or the nearest ancestor of a file', () => {
  const fs = memoryFs(TREE);
  assert.deepEqual(detectIncludeRoots(fs, ['/src/apparmor.d'], []), ['/src/apparmor.d']);
  assert.deepEqual(detectIncludeRoots(fs, ['/src'], []), [], 'the repository root holds no tunables/global');
  assert.deepEqual(detectIncludeRoots(fs, ['/src'], ['/src/apparmor.d/groups/gnome/gnome-shell']), ['/src/apparmor.d']);
  assert.deepEqual(detectIncludeRoots(fs, [], ['/src/docs/readme', 'untitled:1']), []);
  // abstractions/ must be a folder, tunables/global a file.
  assert.deepEqual(detectIncludeRoots(memoryFs({ '/x/tunables/global': '', '/x/abstractions': '' }), ['/x'], []), []);
});

test('with the detected root on the include path, apparmor.d-style profiles check clean', () => {
  const fs = memoryFs(TREE);
  const path = '/src/apparmor.d/groups/gnome/gnome-shell';
  const roots = detectIncludeRoots(fs, [], [path]);
  const analysis = new Analyzer({ fs, includeDirs: roots }).analyze(path, TREE[path]);
  assert.deepEqual(analysis.problems.map((p) => p.code).filter((c) => c !== 'missing-abi'), []);
});

test('includes missing from the search path give one error on the first include, not one per include and per use', () => {
  const fs = memoryFs({});
  const text = 'include <tunables/global>\nprofile p @{bin}/p {\n  include <abstractions/base>\n  include <abstractions/nameservice>\n  @{bin}/q rix,\n  @{HOME}/x r,\n  capability sys_admn,\n}\n';
  const problems = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] }).analyze('/w/p', text).problems;
  assert.ok(problems.filter((p) => p.code === 'include-not-found').length >= 3);
  const folded = foldUnresolved(problems, ['/etc/apparmor.d']);
  const codes = folded.map((p) => p.code);
  assert.equal(codes.filter((c) => c === 'include-path-unresolved').length, 1);
  assert.ok(!codes.includes('include-not-found') && !codes.includes('variable-undefined'), codes.join(', '));
  assert.ok(codes.includes('unknown-capability'), 'other problems stay');
  const [diag] = toDiagnostics(text, folded.filter((p) => p.code === 'include-path-unresolved'));
  assert.equal(diag!.range.start.line, 0);
  assert.match(Diagnostic.getMessageString(diag!), /^3 include\(s\) not found on the include search path \(\/etc\/apparmor\.d\), the first 'tunables\/global'.*Set the include path/);
  const [fix] = getCodeActions('file:///w/p', text, parse(text).ast, new LineIndex(text), [diag!]);
  assert.equal(fix!.title, 'Set the include path…');
  assert.equal(fix!.command?.command, 'apparmor.setIncludePath');
  // A quoted include at a path of its own is not the search path's fault: it stays as it is.
  const quoted = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] }).analyze('/w/q', 'include "/nowhere/x"\nprofile q {\n}\n').problems;
  assert.deepEqual(foldUnresolved(quoted, ['/etc/apparmor.d']), quoted);
});

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { formatMessage, severityOf } from '../../server/src/service/diagnosticRules';
import type { Problem } from '../../server/src/service/checks/problems';
import { check, describe, memoryFs } from '../support/helpers';

const D = '/etc/apparmor.d';
const findings = (ps: readonly Problem[]): Problem[] => ps.filter((p) => severityOf(p.code) !== 'hint');

function codes(text: string, files: Record<string, string>, path?: string): string[] {
  return check(text, { files, path }).map((p) => `${p.code}:${text.slice(p.start, p.end).split('\n')[0]}`);
}

test('a missing include is an error at the include, unless "if exists"', () => {
  const text = 'profile p {\n  include <abstractions/nope>\n  include if exists <local/nope>\n  #include <abstractions/ok>\n}\n';
  assert.deepEqual(codes(text, { [`${D}/abstractions/ok`]: '/a r,\n' }), ['include-not-found:include <abstractions/nope>']);
});

test('a missing local/ include suggests "include if exists"', () => {
  const p = check('profile p {\n  include <local/p>\n}\n', { files: { [`${D}/abstractions/ok`]: '' } })[0]!;
  assert.match(formatMessage(p.code, p.args), /include if exists/);
});

test('an include naming a folder takes every file in it, skipping dot files and backups', () => {
  const files = {
    [`${D}/tunables/home.d/a`]: '@{A}=/a\n',
    [`${D}/tunables/home.d/.hidden`]: '@{H}=/h\n',
    [`${D}/tunables/home.d/b.dpkg-old`]: '@{OLD}=/o\n',
  };
  const text = 'include <tunables/home.d>\nprofile p { @{A} r, @{H} r, @{OLD} r, }\n';
  assert.deepEqual(codes(text, files), ['variable-undefined:@{H}', 'variable-undefined:@{OLD}']);
});

test('variables come from included tunables, through nested includes', () => {
  const files = {
    [`${D}/tunables/global`]: 'include <tunables/home>\n@{PROC}=/proc/\n',
    [`${D}/tunables/home`]: '@{HOME}=/home/*/\n',
  };
  const text = 'include <tunables/global>\nprofile p { @{HOME}/x r, @{PROC}/y r, @{NOPE}/z r, }\n';
  assert.deepEqual(codes(text, files), ['variable-undefined:@{NOPE}']);
});

test('a variable used in an included abstraction but never defined is reported at the include', () => {
  const files = {
    [`${D}/abstractions/app`]: '  include <abstractions/inner>\n',
    [`${D}/abstractions/inner`]: '  /var/lib/app/@{appid}/** r,\n',
  };
  const text = 'profile p {\n  include <abstractions/app>\n}\n';
  const problems = check(text, { files });
  assert.deepEqual(problems.map((p) => p.code), ['variable-undefined']);
  assert.equal(text.slice(problems[0]!.start, problems[0]!.end), 'include <abstractions/app>');
  assert.equal(formatMessage(problems[0]!.code, problems[0]!.args), '@{appid} is never defined (used in abstractions/inner).');
  // Defined by the profile's own preamble, it is fine.
  assert.deepEqual(codes('@{appid}=x\n' + text, files), []);
});

test('redeclaring a variable from included tunables is an error; += and := are not', () => {
  const files = { [`${D}/tunables/global`]: '@{HOME}=/home/*/\n' };
  assert.deepEqual(codes('include <tunables/global>\n@{HOME}=/srv/\nprofile p { }\n', files), ['variable-redeclared:HOME']);
  assert.deepEqual(codes('include <tunables/global>\n@{HOME}+=/srv/\n@{HOME} := /x/\nprofile p { @{HOME} r, }\n', files), []);
});

test('include cycles are reported once and not followed forever', () => {
  const files = {
    [`${D}/abstractions/a`]: '  /a r,\n  include <abstractions/b>\n',
    [`${D}/abstractions/b`]: '  /b r,\n  include <abstractions/a>\n',
  };
  const problems = check('profile p {\n  include <abstractions/a>\n}\n', { files });
  assert.deepEqual(problems.map((p) => p.code), ['include-cycle']);
  const self = check('  include <abstractions/a>\n', { files, path: `${D}/abstractions/b` });
  assert.deepEqual(self.map((p) => p.code), ['include-cycle']);
});

test('exec modes that conflict once an abstraction is merged are reported at the include', () => {
  const files = { [`${D}/abstractions/tools`]: '  /usr/bin/tool Px -> tool,\n  /usr/bin/ok ix,\n' };
  const text = 'profile p {\n  /usr/bin/tool Cx -> tool,\n  /usr/bin/ok ix,\n  include <abstractions/tools>\n  deny /usr/bin/tool x,\n}\n';
  assert.deepEqual(codes(text, files), ['exec-conflict:include <abstractions/tools>']);
  // A different priority does not merge, so does not conflict.
  assert.deepEqual(codes(text.replace('  /usr/bin/tool Cx', '  priority=5 /usr/bin/tool Cx'), files), []);
});

test('with no include search path at all, one warning says how to give one', () => {
  const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: [] });
  const text = 'include <tunables/global>\nprofile p {\n  include <abstractions/base>\n  include <abstractions/x>\n}\n';
  const problems = analyzer.analyze('/tmp/p', text).problems.filter((p) => severityOf(p.code) !== 'hint');
  assert.deepEqual(problems.map((p) => p.code), ['include-unresolved'], describe(problems, text));
  assert.match(formatMessage(problems[0]!.code, problems[0]!.args), /3 include\(s\) unresolved.*--include-dir/);
});

test('relative includes resolve against the base, else the including file\'s folder', () => {
  const files = { '/srv/base/frag': '/a r,\n', '/srv/policy/frag2': '/b r,\n' };
  const fs = memoryFs(files);
  const withBase = new Analyzer({ fs, includeDirs: [D], base: '/srv/base' });
  assert.deepEqual(findings(withBase.analyze('/srv/policy/p', 'profile p {\n include "frag"\n}\n').problems), []);
  const noBase = new Analyzer({ fs, includeDirs: [D] });
  assert.deepEqual(findings(noBase.analyze('/srv/policy/p', 'profile p {\n include frag2\n}\n').problems), []);
  assert.deepEqual(findings(noBase.analyze('/srv/policy/p', 'profile p {\n include "/srv/base/frag"\n}\n').problems), []);
});

test('invalidate() forgets files so edits are seen', () => {
  const files: Record<string, string> = { [`${D}/tunables/global`]: '@{A}=/a\n' };
  const analyzer = new Analyzer({ fs: memoryFs(files), includeDirs: [D] });
  const text = 'include <tunables/global>\nprofile p { @{A} r, @{B} r, }\n';
  assert.equal(findings(analyzer.analyze('/p', text).problems).length, 1);
  files[`${D}/tunables/global`] = '@{A}=/a\n@{B}=/b\n';
  analyzer.invalidate(`${D}/tunables/global`);
  assert.equal(findings(analyzer.analyze('/p', text).problems).length, 0);
});

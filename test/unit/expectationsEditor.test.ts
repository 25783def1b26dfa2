import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { Analyzer, getLanguageService, ServiceHost, WorkspaceIndex } from '../../server/src/service';
import { lineParts } from '../../server/src/service/evaluate/expectationLine';
import { memoryFs } from '../support/helpers';
import { pick, rng } from '../support/random';

/** Editor support for expectations files (`*.apparmor-test`, what `apparmor-lint --test` checks). */
const FILES = {
  '/etc/apparmor.d/abstractions/base': '/etc/ld.so.cache r,\n',
  '/ws/profiles/web': 'profile web /usr/bin/web {\n  include <abstractions/base>\n  /etc/web/** r,\n  deny /etc/shadow r,\n  capability net_bind_service,\n  ^helper {\n    /etc/helper.conf r,\n  }\n}\n',
  '/ws/profiles/db': 'profile db {\n  /var/lib/db/** rw,\n}\n',
  '/ws/elsewhere/tool': 'profile tool {\n  /etc/tool r,\n}\n',
};
const fs = memoryFs(FILES);
const analyzer = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] });
const index = new WorkspaceIndex(fs);
index.update('/ws/elsewhere/tool', FILES['/ws/elsewhere/tool']);
const host: ServiceHost = { analyzer: () => analyzer, index, includeNames: () => [], otherFiles: () => [], folders: () => ['/ws'] };
const service = getLanguageService(host);
const URI = 'file:///ws/profiles/web.apparmor-test';

const TEXT = [
  '# web server tests',
  'allow web r /etc/web/site.conf',
  'allow web r /etc/shadow   # a deny rule wins',
  'deny  web w /etc/web/x',
  'allow web//helper r /etc/helper.conf',
  'allow ghost r /x',
  'allow web frobnicate /x',
  'bogus line',
  'file ../elsewhere/tool',
  'allow tool r /etc/tool',
  'file missing',
  'allow tool r /etc/tool',
  '',
].join('\n');
const doc = { uri: URI, text: TEXT };

test('the language is known by its id and by its name', () => {
  assert.equal(service.isExpectations('file:///a/b', 'apparmor-test'), true);
  assert.equal(service.isExpectations('file:///etc/apparmor.d/web.apparmor-test', 'apparmor'), true, 'a test file in apparmor.d/ that opened as AppArmor');
  assert.equal(service.isExpectations('file:///etc/apparmor.d/web', 'apparmor'), false);
});

test('diagnostics: a malformed line, an unknown profile, an unreadable file, a failed expectation with the verdict and its deciding rule', () => {
  const diags = service.diagnoseExpectations(doc);
  const at = (line: number) => diags.filter((d) => d.range.start.line === line);
  assert.deepEqual(diags.map((d) => [d.range.start.line, d.code]).sort(), [
    [10 + 1, 'expectation-unreadable-file'], [2, 'expectation-failed'], [5, 'expectation-unknown-profile'], [6, 'expectation-malformed'], [7, 'expectation-malformed'],
  ].sort());
  const failed = at(2)[0]!;
  assert.match(failed.message as string, /^Expected allow web 'r \/etc\/shadow', but the profile denies it: r on \/etc\/shadow is denied by an explicit deny rule/);
  assert.deepEqual(failed.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 23 } }, 'the line without its comment');
  assert.deepEqual(failed.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]), [['file:///ws/profiles/web', 3, 'deny rule that decides']]);
  assert.match(at(5)[0]!.message as string, /There is no profile 'ghost' to test: no file beside this one defines a profile 'ghost'/);
  assert.deepEqual(at(5)[0]!.range.start.character, 6, 'on the profile name');
  assert.match(at(7)[0]!.message as string, /expected 'allow PROFILE ACCESS'/);
  assert.match(at(11)[0]!.message as string, /Cannot read the profile file \/ws\/profiles\/missing/);
  assert.ok(diags.every((d) => d.severity === 1));
});

test('hover: the verdict, whether it holds, and the deciding rules as links', () => {
  const hover = (line: number, character = 8): string => ((service.doExpectationHover(doc, { line, character })?.contents as MarkupContent | undefined)?.value ?? '');
  const holds = hover(1);
  assert.match(holds, /✅ \*\*Holds\*\*: the profile allows it\./);
  assert.match(holds, /Verdict: \*\*allowed\*\* \(`allow-rule`, not logged\)/);
  assert.match(holds, /- allow: \[`\/ws\/profiles\/web` line 3\]\(file:\/\/\/ws\/profiles\/web#L3\) `\/etc\/web\/\*\* r,`/);
  const fails = hover(2);
  assert.match(fails, /❌ \*\*Fails\*\*: the profile denies it\./);
  assert.match(fails, /- deny: \[`\/ws\/profiles\/web` line 4\]/);
  assert.match(hover(4), /Profile `web\/\/helper`/);
  assert.match(hover(9), /Holds[\s\S]*\/ws\/elsewhere\/tool/);
  assert.match(hover(8), /\*\*file\*\* \[`\/ws\/elsewhere\/tool`\]\(file:\/\/\/ws\/elsewhere\/tool\) — the lines below test its profiles: `tool`/);
  assert.match(hover(7, 2), /Not an expectation/);
  assert.equal(service.doExpectationHover(doc, { line: 0, character: 3 }), null, 'a comment');
});

test('completion: keywords, profile names, access forms, then what a rule offers', () => {
  const labels = (text: string, support = false): string[] => {
    const lines = text.split('\n');
    const position = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
    return service.doExpectationComplete({ uri: URI, text }, position, { support: { snippets: support, markdown: false } }).items.map((i) => i.label);
  };
  assert.deepEqual(labels('al'), ['allow', 'deny', 'file']);
  const profiles = labels('allow ');
  for (const name of ['web', 'web//helper', 'db', 'tool']) assert.ok(profiles.includes(name), `${name} in ${profiles.join(' ')}`);
  const forms = labels('deny web ');
  assert.ok(forms.includes('r PATH') && forms.includes('capability NAME') && forms.includes('network FAMILY TYPE'), forms.join(' | '));
  assert.ok(labels('allow web capability net_').includes('net_admin'));
  assert.ok(labels('allow web network ').includes('inet'));
  assert.deepEqual(labels('file '), ['db', 'web']);
  assert.ok(labels('file ../').includes('elsewhere/'));
  const snippet = service.doExpectationComplete({ uri: URI, text: 'allow web ' }, { line: 0, character: 10 }, { support: { snippets: true, markdown: false } }).items.find((i) => i.label === 'capability NAME')!;
  assert.deepEqual(snippet.textEdit, { range: { start: { line: 0, character: 10 }, end: { line: 0, character: 10 } }, newText: 'capability ${1:net_admin}' });
  assert.deepEqual(labels('allow web r /x # no'), []);
});

test('the parts of a line, for ranges', () => {
  assert.deepEqual(lineParts('  allow  web   r /x  # c'), {
    keyword: { start: 2, end: 7, text: 'allow' }, second: { start: 9, end: 12, text: 'web' }, access: { start: 15, end: 19, text: 'r /x' }, body: { start: 2, end: 19, text: 'allow  web   r /x' },
  });
  assert.deepEqual(lineParts('file ../a b'), { keyword: { start: 0, end: 4, text: 'file' }, second: { start: 5, end: 11, text: '../a b' }, body: { start: 0, end: 11, text: 'file ../a b' } });
  assert.deepEqual(lineParts('   # only'), {});
});

test('diagnostics follow an edit of an included abstraction, and a profile added to a file already looked through', () => {
  const files: Record<string, string> = {
    '/p/abstractions/web-extra': '/srv/www/** r,\n',
    '/p/profiles/a-other': 'profile other {\n}\n',
    '/p/profiles/web': 'profile web {\n  include <abstractions/web-extra>\n}\n',
  };
  const analyzer = new Analyzer({ fs: memoryFs(files), includeDirs: ['/p'] });
  const open = new Set(['/p/profiles/a-other']);
  const svc = getLanguageService({ analyzer: () => analyzer, includeNames: () => [], otherFiles: () => [], folders: () => ['/p'], isOpen: (p) => open.has(p) });
  const tests = { uri: 'file:///p/profiles/web.apparmor-test', text: 'allow web r /srv/www/index.html\nallow late r /x\n' };
  const codes = (): unknown[] => svc.diagnoseExpectations(tests).map((d) => [d.range.start.line, d.code]);
  assert.deepEqual(codes(), [[1, 'expectation-unknown-profile']]);
  files['/p/abstractions/web-extra'] = 'deny /srv/www/** r,\n';
  analyzer.invalidate('/p/abstractions/web-extra');
  assert.deepEqual(codes(), [[0, 'expectation-failed'], [1, 'expectation-unknown-profile']], 'the policy loaded before is not used once a file it reaches changed');
  files['/p/profiles/a-other'] = 'profile other {\n}\nprofile late {\n  /x r,\n}\n';
  analyzer.invalidate('/p/profiles/a-other');
  assert.deepEqual(codes(), [[0, 'expectation-failed']], 'an open file is looked through again');
});

test('any text: every feature answers, each diagnostic and hover within its line', () => {
  const random = rng(7);
  const pieces = ['allow', 'deny', 'file', 'web', 'web//helper', 'ghost', ' ', '  ', '\t', '#', 'r', 'w', 'x', '/etc/web/a', '/x{', '[', 'capability', 'net_admin', 'network', 'inet', '->', 'link', '..', '../profiles/web', '\n', '\r\n', ',', '@{HOME}', 'owner', 'peer=(', '"q'];
  for (let n = 0; n < 300; n++) {
    const text = Array.from({ length: 1 + Math.floor(random() * 14) }, () => pick(random, pieces)).join(pick(random, [' ', '', '\n']));
    const d = { uri: URI, text };
    const rows = text.split(/\r?\n/);
    for (const diag of service.diagnoseExpectations(d)) {
      assert.equal(diag.range.start.line, diag.range.end.line, JSON.stringify(text));
      assert.ok(diag.range.end.character <= rows[diag.range.start.line]!.length, JSON.stringify(text));
    }
    rows.forEach((row, line) => {
      for (let character = 0; character <= row.length; character++) {
        const h = service.doExpectationHover(d, { line, character });
        if (h?.range) assert.ok(h.range.start.line === line && h.range.end.character <= row.length, JSON.stringify(text));
        service.doExpectationComplete(d, { line, character });
      }
    });
  }
});

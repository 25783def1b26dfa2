import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import { Analyzer } from '../../server/src/service/analyze';
import { LineIndex, toDiagnostics } from '../../server/src/service/diagnostics';
import { getCodeActions } from '../../server/src/service/features/getCodeActions';
import { applyEdits } from '../support/edits';
import { memoryFs } from '../support/helpers';

const URI = 'file:///etc/apparmor.d/p';
const FILES = { '/etc/apparmor.d/tunables/global': '@{HOMEDIRS}=/home/\n@{HOME}=@{HOMEDIRS}/*/ /root/\n', '/etc/apparmor.d/abi/3.0': '' };

function analyze(text: string): { diagnostics: Diagnostic[]; ast: ReturnType<Analyzer['analyze']>['parse']['ast'] } {
  const analysis = new Analyzer({ fs: memoryFs(FILES), includeDirs: ['/etc/apparmor.d'] }).analyze('/etc/apparmor.d/p', text);
  return { diagnostics: toDiagnostics(text, analysis.problems), ast: analysis.parse.ast };
}

const errors = (ds: Diagnostic[]): string[] => ds.filter((d) => d.severity === 1).map((d) => String(d.code));

/** The log-line fix offered for the text's diagnostics, applied. */
function fixLogLines(before: string): { title: string; after: string } {
  const { diagnostics, ast } = analyze(before);
  assert.notDeepEqual(errors(diagnostics), [], 'the pasted line should be reported');
  const actions = getCodeActions(URI, before, ast, new LineIndex(before), diagnostics).filter((a) => a.title.startsWith('Replace the log'));
  assert.equal(actions.length, 1, JSON.stringify(actions.map((a) => a.title)));
  return { title: actions[0]!.title, after: applyEdits(before, actions[0]!.edit!.changes![URI]!) };
}

const HEAD = 'abi <abi/3.0>,\ninclude <tunables/global>\n\nprofile notes /usr/bin/notes {\n  /etc/notes/ r,\n';

test('a log line pasted into a profile is replaced with its rule', () => {
  const before = `${HEAD}  [ 412.118930] audit: type=1400 audit(1718000012.102:202): apparmor="DENIED" operation="open" class="file" profile="/usr/bin/notes" name="/home/alice/.config/notes/settings.ini" pid=2311 comm="notes" requested_mask="wrc" denied_mask="wrc" fsuid=1000 ouid=1000\n}\n`;
  const { title, after } = fixLogLines(before);
  assert.equal(title, 'Replace the log line with its rule');
  assert.equal(after, `${HEAD}  owner @{HOME}/.config/notes/settings.ini rw,\n}\n`);
  assert.deepEqual(errors(analyze(after).diagnostics), []);
});

test('several pasted log lines, of any form, become their rules at once', () => {
  const before = `${HEAD}  type=AVC msg=audit(1718003001.220:501): apparmor="DENIED" operation="capable" profile="/usr/bin/notes" capname="sys_nice"
  Jun 10 08:15:02 host kernel: audit: type=1400 audit(1718007302.770:311): apparmor="DENIED" operation="signal" class="signal" profile="/usr/bin/notes" requested_mask="send" denied_mask="send" signal=term peer="unconfined"
  type=USER_AVC msg=audit(1718005001.440:701): pid=1043 uid=103 msg='apparmor="DENIED" operation="dbus_bind"  bus="session" name="org.example.Notes" mask="bind" pid=7001 label="/usr/bin/notes" exe="/usr/bin/dbus-daemon"'
}
`;
  const { title, after } = fixLogLines(before);
  assert.equal(title, 'Replace the log lines with their rules');
  assert.equal(after, `${HEAD}  capability sys_nice,\n  signal send set=(term) peer=unconfined,\n  dbus bind bus=session name=org.example.Notes,\n}\n`);
  assert.deepEqual(errors(analyze(after).diagnostics), []);
});

test('no such fix for a log line that asks for no rule, nor for other mistakes', () => {
  for (const line of [
    'audit: type=1400 audit(1.2:3): apparmor="STATUS" operation="profile_load" profile="unconfined" name="notes" pid=1 comm="apparmor_parser"',
    'capabilty chown,',
  ]) {
    const text = `${HEAD}  ${line}\n}\n`;
    const { diagnostics, ast } = analyze(text);
    assert.notDeepEqual(errors(diagnostics), []);
    const titles = getCodeActions(URI, text, ast, new LineIndex(text), diagnostics).map((a) => a.title);
    assert.ok(!titles.some((t) => t.startsWith('Replace the log')), titles.join(', '));
  }
});

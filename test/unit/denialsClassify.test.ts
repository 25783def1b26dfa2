import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { locateProfile } from '../../server/src/service/features/locateProfile';
import { proposeDenials } from '../../server/src/service/features/proposeDenials';
import { WorkspaceIndex } from '../../server/src/service/workspaceIndex';
import { memoryFs } from '../support/helpers';

const WS = '/work/ws';
const DOCKER = [
  'abi <abi/3.0>,', '', 'profile docker-app {', '  network,', '  capability,', '  file,',
  '  deny /bin/dash mrwklx,', '  deny network raw,', '  owner /srv/own/** w,', '  /usr/bin/tool cx,', '}', '',
].join('\n');
const FILES: Record<string, string> = { [`${WS}/docker-app`]: DOCKER, [`${WS}/abi/3.0`]: '' };

const dmesg = (rest: string, serial: number): string =>
  `[  412.118204] audit: type=1400 audit(1718000012.${serial}:${serial}): apparmor="DENIED" profile="docker-app" ${rest} pid=2311 comm="x"`;

function propose(log: string): ReturnType<typeof proposeDenials> {
  const fs = memoryFs(FILES);
  const index = new WorkspaceIndex(fs);
  for (const p of index.listFiles([WS])) index.update(p);
  const entries = [...index.topLevelProfiles()];
  return proposeDenials(log, {}, { locate: (p) => locateProfile(p, entries, [WS]), read: (p) => fs.readFile(p), analyzer: new Analyzer({ fs, includeDirs: [WS] }) });
}

test('each denial is classified against the file: blocked by a deny rule, already allowed, needs owner, needs a transition', () => {
  const log = [
    dmesg('operation="exec" class="file" name="/bin/dash" requested_mask="x" denied_mask="x" fsuid=0 ouid=0', 101),
    dmesg('operation="create" class="net" family="inet" sock_type="raw" protocol=1 requested_mask="create" denied_mask="create"', 102),
    dmesg('operation="open" class="file" name="/etc/hosts" requested_mask="r" denied_mask="r" fsuid=0 ouid=0', 103),
    dmesg('operation="exec" class="file" name="/usr/bin/tool" requested_mask="x" denied_mask="x" fsuid=0 ouid=0', 104),
  ].join('\n');
  const rules = propose(log).groups.flatMap((g) => g.rules);
  const byText = new Map(rules.map((r) => [r.text, r.verdict]));
  const dash = byText.get('/bin/dash ix,')!;
  assert.equal(dash.status, 'blocked');
  assert.deepEqual(dash.rules.map((r) => [r.uri, r.range.start.line, r.effect]), [[`file://${WS}/docker-app`, 6, 'deny']]);
  assert.equal(byText.get('network inet raw,')!.status, 'blocked');
  assert.deepEqual(byText.get('network inet raw,')!.rules.map((r) => r.range.start.line), [7]);
  assert.equal(byText.get('/etc/hosts r,')!.status, 'allowed', '`file,` already allows it: the loaded policy is older');
  assert.equal(byText.get('/usr/bin/tool ix,')!.status, 'transition-needed', 'cx with no child profile');
});

test('a denial of a file the process does not own, where only owner rules allow it, needs owner', () => {
  const log = dmesg('operation="open" class="file" name="/srv/own/x" requested_mask="w" denied_mask="w" fsuid=1000 ouid=0', 105);
  const files = { ...FILES, [`${WS}/docker-app`]: DOCKER.replace('  file,\n', '') };
  const fs = memoryFs(files);
  const index = new WorkspaceIndex(fs);
  for (const p of index.listFiles([WS])) index.update(p);
  const entries = [...index.topLevelProfiles()];
  const result = proposeDenials(log, {}, { locate: (p) => locateProfile(p, entries, [WS]), read: (p) => fs.readFile(p), analyzer: new Analyzer({ fs, includeDirs: [WS] }) });
  assert.deepEqual(result.groups.flatMap((g) => g.rules.map((r) => [r.text, r.verdict?.status])), [['/srv/own/x w,', 'owner-needed']]);
});

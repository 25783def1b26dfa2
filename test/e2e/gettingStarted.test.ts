/**
 * `npm start` and the getting-started path in the real VS Code it serves (code-server,
 * chromium). Skips, saying why, where code-server or chromium is not installed.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { extensionProblem, locateE2e } from './install';
import { gettingStarted, withNpmStart } from './gettingStarted';

const located = locateE2e();
const skip = 'skip' in located ? located.skip : extensionProblem();

test('npm start serves the packaged extension; a new user walks through getting started', { timeout: 6 * 60_000 }, async (t) => {
  if (skip !== undefined || !('install' in located)) { t.skip(skip); return; }
  const report = await withNpmStart(located.install, gettingStarted);
  console.log(`getting started: ${JSON.stringify(report, null, 2)}`);
  assert.match(report.address, /^http:\/\/127\.0\.0\.1:\d+\/\?folder=\/.*\/examples$/);
  assert.deepEqual(report.walkthroughSteps, ['Set the include path', 'Write a first profile', 'Check it', 'Load it', 'Watch the denials']);
  assert.match(report.profileText, /^abi <abi\/3\.0>,\n\ninclude <tunables\/global>\n\nprofile hello \/usr\/bin\/hello flags=\(complain\) \{\n {2}include <abstractions\/base>\n\n {2}\/usr\/bin\/hello mr,\n/);
  assert.match(report.profileText, /include if exists <local\/hello>\n\}\n$/);
  assert.match(report.statusText, /AppArmor 3\.0 · complain/);
  assert.match(report.tabIcon, /apparmor-lang-file-icon/);
  assert.ok(report.outline.some((r) => r.startsWith('files')) && report.outline.includes('/usr/bin/hello mr,'), report.outline.join('\n'));
  assert.ok(report.titleActions.some((c) => c.includes('codicon-cloud-upload')), report.titleActions.join('\n'));
  assert.ok(!report.titleActions.some((c) => c.includes('codicon-debug-start')), 'Load is not a Run triangle');
  const ran = report.outputLines.filter((l) => l.includes('apparmor_parser'));
  assert.ok(ran.length > 0, report.outputLines.join('\n'));
  for (const line of ran) assert.match(line, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[info\] /, line);
  assert.match(report.settingsHeading, /AppArmor \| General/);
  assert.deepEqual(report.settingLabels.slice(0, 3), ['Abi', 'Base', 'Check On Save'], report.settingLabels.join('\n'));
  for (const label of report.settingLabels) assert.doesNotMatch(label, /Apparmor/, label);
  assert.match(report.denialsWelcome, /No denials read yet\. .*Show Denials/);
  assert.match(report.denialsHeader, /log selection of denials\.log/);
  assert.match(report.denialsHeader, /3 rules for 2 profiles from 4 AppArmor records/);
  assert.ok(report.denialRows.some((r) => r.startsWith('denials-demo')), report.denialRows.join('\n'));
});

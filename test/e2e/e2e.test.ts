/**
 * The real-VS Code layer of `npm test`: the mocha suite inside VS Code's extension host, the
 * UI check on the packaged extension, and the test-electron run. Each skips, saying why,
 * where its VS Code cannot be had (.ci/install-e2e installs code-server and chromium).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { runUnderElectron } from './electron';
import { extensionProblem, locateE2e } from './install';
import { writeProfile } from './authoring';
import { runSuite } from './run';
import { typeProfile, withTypingWorkbench } from './typing';
import { runUiCheck } from './ui';
import { SCREENSHOT_DIR, withWorkbench } from './workbench';

const located = locateE2e();
const skip = 'skip' in located ? located.skip : extensionProblem();
// Above the runners' own deadlines, so that theirs fire first and clean up.
const timeout = 9 * 60_000;

test('the extension inside a real VS Code (code-server, chromium)', { timeout }, async (t) => {
  if (skip !== undefined || !('install' in located)) { t.skip(skip); return; }
  const started = Date.now();
  const code = await runSuite(located.install, (line) => console.log(line));
  console.log(`e2e suite: exit ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(code, 0, 'the mocha suite in the extension host failed (its report is above)');
});

test('UI check: the packaged extension colours, squiggles and explains a profile', { timeout }, async (t) => {
  if (skip !== undefined || !('install' in located)) { t.skip(skip); return; }
  const report = await runUiCheck(located.install);
  console.log(`UI check: ${report.tokenClasses.length} token colours, a squiggle, hover "${report.hover.split('\n')[0]}" in ${(report.ms / 1000).toFixed(1)} s; screenshot ${report.screenshot}`);
  assert.ok(report.tokenClasses.length >= 5);
  console.log(`UI check: the denials view shows ${report.denialRows.length} rows; screenshot ${report.denialsScreenshot}`);
  assert.ok(report.denialRows.some((r) => r.startsWith('denials-demo//worker')), report.denialRows.join('\n'));
  assert.ok(report.denialRows.some((r) => r.includes('capability net_bind_service,')), report.denialRows.join('\n'));
  const { blocked } = report;
  console.log(`UI check: a Docker-style profile's blocked denials: ${blocked.rows.length} rows, actions on /bin/dash ${JSON.stringify(blocked.actions)}; screenshot ${blocked.screenshot}`);
  assert.ok(blocked.rows.some((r) => r.includes('/bin/dash ix,') && r.includes('blocked by a deny rule at line 13')), blocked.rows.join('\n'));
  assert.ok(blocked.actions.some((a) => /Open the Deny Rule/.test(a)), blocked.actions.join(', '));
  assert.ok(!blocked.actions.some((a) => /^Add Rule/.test(a)), `no Add Rule on a blocked denial: ${blocked.actions.join(', ')}`);
});

test('typing at a person\'s pace: completion opens by itself after @{, @ and include <, and stays open through the name; F2 refuses a system variable', { timeout }, async (t) => {
  if (skip !== undefined || !('install' in located)) { t.skip(skip); return; }
  const report = await withTypingWorkbench(located.install, typeProfile);
  console.log(`typing check: keystroke to list shown ${JSON.stringify(report.latencyMs)} ms; screenshot ${report.screenshots.join(', ')}`);
  console.log(`typing check: F2 on a variable defined outside the workspace says "${report.renameMessage}"`);
  assert.match(report.renameMessage, /SYSTEM_DIR\} is defined in .*system\/tunables, outside the workspace folders/);
  assert.deepEqual(report.lines.slice(4, 7), ['  @{TYPING_DIR}/** r,', '  /home/@{TYPING_DIR} r,', '  include <abstractions/nameservice>'], report.lines.join('\n'));
});

test('writing a profile: a risky rule warns and explains, completion opens after a qualifier, hovers explain @{HOME}, an include, an abi and a path', { timeout }, async (t) => {
  if (skip !== undefined || !('install' in located)) { t.skip(skip); return; }
  const report = await withWorkbench(located.install, 'the authoring check', writeProfile, path.join(SCREENSHOT_DIR, 'authoring-failure.png'));
  console.log(`authoring check: fixes ${JSON.stringify(report.riskFixes)}; after owner ${JSON.stringify(report.afterOwner)}; screenshots ${report.screenshots.join(', ')}`);
  assert.match(report.riskHover, /Unconfined exec: the new program runs with no AppArmor policy/);
  assert.ok(report.riskFixes.some((f) => /px/.test(f)) && report.riskFixes.some((f) => /ix/.test(f)), report.riskFixes.join('\n'));
  assert.deepEqual([...report.afterOwner].sort(), ['file', 'link'], 'after owner only the rules that take it');
  assert.ok(report.afterSignal.includes('set='), report.afterSignal.join('\n'));
  assert.match(report.homeHover, /Expands to: \/home\/\*\/ \/root\//);
  assert.match(report.includeHover, /files: \d+ read/);
  assert.match(report.abiHover, /Mediates: capability, network/);
  assert.match(report.pathHover, /Matches exactly the file \/etc\/ld\.so\.cache/);
  assert.match(report.pathHover, /r: already allowed by abstraction abstractions\/base/);
});

test('the same suite under @vscode/test-electron', { timeout }, async (t) => {
  if (extensionProblem() !== undefined) { t.skip(extensionProblem()); return; }
  const outcome = await runUnderElectron();
  if ('skipped' in outcome) { t.skip(outcome.skipped); return; }
  assert.equal(outcome.code, 0);
});

import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Analyzer } from '../../server/src/service/analyze';
import { proposeDenials } from '../../server/src/service/features/proposeDenials';
import { nodeFileSystem } from '../../server/src/node/nodeFileSystem';
import { MARKER_PROFILE, runCases } from './cases';
import { APPARMOR } from './env';
import { kernelSuite } from './kernelSuite';
import { lintDenials } from './lint';
import { load, withRules } from './profileText';

/**
 * What the kernel does with exec rules of each transition, a px whose target is not
 * loaded, and deny rules against an allow rule added after them.
 */

const profileWith = (exec: string, deny = ''): string => `abi <abi/3.0>,
include <tunables/global>

profile aak-probe /opt/t/probe {
  /opt/t/probe mr,
  @{PROC}/@{pid}/attr/current r,
  ${exec}
  /srv/d/open r,
${deny}
  profile kid {
    /opt/t/child mr,
    @{PROC}/@{pid}/attr/current r,
  }
}
`;

const CHILD = `abi <abi/3.0>,
include <tunables/global>

profile aak-child /opt/t/child {
  # The kernel checks the new profile's mmap of the binary when the exec comes from a confined process.
  /opt/t/child mr,
  @{PROC}/@{pid}/attr/current r,
}
`;

const LABEL = { name: 'exec', run: '$P exec /opt/t/child label' };
const SECRET = { name: 'deny', setup: 'mkdir -p /srv/d; echo x > /srv/d/secret', run: '$P read /srv/d/secret' };

kernelSuite('exec transitions and deny rules on a real AppArmor kernel', (test, vm) => {
  test('each exec transition puts the child where the rule says', async () => {
    await load(vm(), MARKER_PROFILE);
    const expected: [string, string, boolean][] = [
      ['/opt/t/child ix,', 'aak-probe (enforce)', false],
      ['/opt/t/child px,', 'aak-child (enforce)', true],
      ['/opt/t/child cx -> kid,', 'aak-probe//kid (enforce)', false],
      ['/opt/t/child ux,', 'unconfined', false],
      // pix falls back to inheriting when no profile attaches to the file.
      ['/opt/t/child pix,', 'aak-probe (enforce)', false],
      ['/opt/t/child pix,', 'aak-child (enforce)', true],
    ];
    for (const [rule, label, withChild] of expected) {
      await vm().reset();
      await load(vm(), MARKER_PROFILE);
      if (withChild) await load(vm(), CHILD);
      await load(vm(), profileWith(rule));
      const [r] = await runCases(vm(), [LABEL]);
      assert.equal(r!.output.trim(), label, `${rule} (aak-child loaded: ${withChild})`);
      assert.deepEqual(r!.lines, [], rule);
    }
  });

  test('px to a profile not loaded: denied, and no conflicting ix is proposed', async () => {
    await load(vm(), MARKER_PROFILE);
    const text = profileWith('/opt/t/child px,');
    await load(vm(), text);
    const [r] = await runCases(vm(), [LABEL]);
    assert.equal(r!.status, 1);
    assert.match(r!.lines.join('\n'), /apparmor="DENIED" operation="exec" info="profile transition not found".*name="\/opt\/t\/child"/);
    const proposed = lintDenials(r!.lines);
    assert.deepEqual(proposed.json.profiles, [], 'nothing an added rule could fix');
    assert.match(proposed.text, /no rule for line 1 \(exec\): the profile already runs \/opt\/t\/child with a transition to a profile that is not loaded/);
    // Loading the target is the fix.
    await load(vm(), CHILD);
    const [again] = await runCases(vm(), [LABEL]);
    assert.equal(again!.output.trim(), 'aak-child (enforce)');
  });

  test('a deny rule wins over an allow rule added after it; quiet unless audited or noquiet', async () => {
    await load(vm(), MARKER_PROFILE);
    const denying = profileWith('', '  deny /srv/d/secret r,');
    await load(vm(), denying);
    const [quiet] = await runCases(vm(), [SECRET]);
    assert.equal(quiet!.output, 'fail open: Permission denied');
    assert.deepEqual(quiet!.lines, [], 'an explicit deny is not logged by default');

    await vm().must('printf noquiet > /sys/module/apparmor/parameters/audit');
    const [loud] = await runCases(vm(), [SECRET]);
    assert.match(loud!.lines.join('\n'), /apparmor="DENIED" operation="open" profile="aak-probe" name="\/srv\/d\/secret"/);

    // What Add Rule would add from that line: the kernel still refuses, the deny rule wins.
    const proposal = lintDenials(loud!.lines).json.profiles;
    assert.deepEqual(proposal, [{ profile: 'aak-probe', rules: ['/srv/d/secret r,'] }]);
    const withAllow = withRules(denying, 'aak-probe', proposal[0]!.rules);
    await load(vm(), withAllow);
    const [still] = await runCases(vm(), [SECRET]);
    assert.equal(still!.output, 'fail open: Permission denied');
    assert.equal(still!.lines.length, 1);
    // And the editor's proposals say the file does not allow it.
    assert.equal(editorAllows(withAllow, loud!.lines), false);
    assert.equal(editorAllows(profileWith('', '  /srv/d/secret r,'), loud!.lines), true);

    // audit deny: logged even with the default (quiet) setting.
    await vm().must('printf normal > /sys/module/apparmor/parameters/audit');
    await load(vm(), withAllow.replace('deny /srv/d/secret r,', 'audit deny /srv/d/secret r,'));
    const [audited] = await runCases(vm(), [SECRET]);
    assert.equal(audited!.output, 'fail open: Permission denied');
    assert.match(audited!.lines.join('\n'), /apparmor="DENIED" operation="open" profile="aak-probe" name="\/srv\/d\/secret"/);
  });
});

/** Whether the denials view marks the logged access as already allowed by the profile file. */
function editorAllows(text: string, lines: readonly string[]): boolean {
  const file = '/work/aak/aak-probe';
  const analyzer = new Analyzer({ fs: nodeFileSystem, includeDirs: [path.join(APPARMOR, 'etc', 'apparmor.d')], abi: '3.0' });
  const result = proposeDenials(lines.join('\n'), {}, {
    locate: (profile) => (profile === 'aak-probe' ? { path: file, profile, matchedBy: 'name' } : undefined),
    read: (p) => (p === file ? text : undefined),
    analyzer,
  });
  return result.groups[0]!.rules.every((r) => r.allowed);
}

import { strict as assert } from 'node:assert';
import { parseAaStatus, parseProfilesFile } from '../../client/src/core/aaStatus';
import { kernelSuite } from './kernelSuite';
import { kernelModes, load, withMode } from './profileText';

/**
 * The profile commands against Debian bookworm's kernel: Load (`apparmor_parser -r -W`,
 * the text on standard input), replace, Set Complain/Enforce Mode (the flags edited by the
 * client's own code, then a reload), Unload (`-R`), and Show Loaded Profiles read from
 * bookworm's aa-status and from the kernel's profiles file. After each, the mode the
 * kernel reports.
 */

const PROFILE = `abi <abi/3.0>,
include <tunables/global>

profile aak-cmd /opt/t/probe {
  /opt/t/probe mr,
  /srv/** r,

  profile kid {
    /srv/kid r,
  }
}
`;

kernelSuite('profile commands on a real AppArmor kernel', (test, vm) => {
  test('load, replace, complain, enforce, unload: the kernel reports each mode', async () => {
    await load(vm(), PROFILE);
    assert.deepEqual([...await kernelModes(vm())].sort(), [['aak-cmd', 'enforce'], ['aak-cmd//kid', 'enforce']]);
    // A confined process is really confined: reading outside /srv is refused.
    assert.equal((await vm().exec(['/opt/t/probe', 'read', '/etc/passwd'])).status, 1);

    const replaced = PROFILE.replace('/srv/** r,', '/srv/** r,\n  /etc/passwd r,');
    await load(vm(), replaced);
    assert.equal((await vm().exec(['/opt/t/probe', 'read', '/etc/passwd'])).stdout, 'ok\n');

    const complain = withMode(replaced, 'complain');
    assert.match(complain, /profile aak-cmd \/opt\/t\/probe flags=\(complain\) \{/);
    await load(vm(), complain);
    // The mode is the top-level profile's: a child profile keeps its own flags.
    assert.deepEqual([...await kernelModes(vm())].sort(), [['aak-cmd', 'complain'], ['aak-cmd//kid', 'enforce']]);

    const enforce = withMode(complain, 'enforce');
    assert.equal(enforce, replaced);
    await load(vm(), enforce);
    assert.equal((await kernelModes(vm())).get('aak-cmd'), 'enforce');

    const unloaded = await vm().exec(['apparmor_parser', '-R'], { stdin: enforce });
    assert.equal(unloaded.status, 0, unloaded.stderr);
    assert.deepEqual([...await kernelModes(vm())], []);
    assert.equal((await vm().exec(['/opt/t/probe', 'read', '/etc/passwd'])).stdout, 'ok\n');
  });

  test('Show Loaded Profiles: bookworm\'s aa-status --json, malformed with no enforce-mode profile, is read', async () => {
    await load(vm(), withMode(PROFILE.replace(/\n {2}profile kid[^}]*\}\n/, '\n'), 'complain'));
    const json = await vm().must('aa-status --json');
    // The real bookworm output: a comma before the first profile.
    assert.throws(() => JSON.parse(json), SyntaxError);
    assert.match(json, /"profiles": \{, "aak-cmd": "complain"\}/);
    assert.deepEqual(parseAaStatus(json).map((p) => [p.name, p.mode]), [['aak-cmd', 'complain']]);

    // With a confined process running, and an enforce-mode profile: valid JSON, processes listed.
    await load(vm(), PROFILE);
    const withProcess = await vm().must('/opt/t/probe waitsig 10 > /tmp/w & n=0; while ! grep -q ready /tmp/w && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done; aa-status --json');
    const profiles = new Map(parseAaStatus(withProcess).map((p) => [p.name, p]));
    assert.equal(profiles.get('aak-cmd')?.mode, 'enforce');
    assert.deepEqual(profiles.get('aak-cmd')?.processes.map((p) => [p.exe, p.mode]), [['/opt/t/probe', 'enforce']]);
    assert.equal(profiles.get('aak-cmd//kid')?.mode, 'enforce');
  });

  test('Show Loaded Profiles where aa-status is missing: the kernel\'s profiles file', async () => {
    await load(vm(), withMode(PROFILE, 'complain'));
    const r = await vm().sh('mv /usr/sbin/aa-status /tmp/ && aa-status --json; s=$?; mv /tmp/aa-status /usr/sbin/; exit $s');
    assert.equal(r.status, 127, 'aa-status is gone');
    const text = await vm().must('cat /sys/kernel/security/apparmor/profiles');
    assert.deepEqual(parseProfilesFile(text).map((p) => [p.name, p.mode]), [['aak-cmd', 'complain'], ['aak-cmd//kid', 'enforce']]);
  });
});

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { RUNC } from './env';
import { kernelSuite } from './kernelSuite';
import { load } from './profileText';

/**
 * What Docker's `--security-opt apparmor=NAME` comes down to: runc starting the container's
 * process under the profile named in the OCI config's `process.apparmorProfile`. A busybox
 * container run by Debian's runc in the guest, under a profile in the shape of the
 * extension's Docker snippet.
 */

const PROFILE = `include <tunables/global>

profile aak-container flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  network inet tcp,
  network inet udp,

  file,
  umount,

  deny /bin/** wl,
  deny /etc/** wl,

  capability chown,
  capability dac_override,
  capability setuid,
  capability setgid,
  capability net_bind_service,

  deny @{PROC}/* w,
  deny mount,
  deny /sys/kernel/security/** rwklx,
}
`;

/** In the container: its label, a write the profile denies, a write it allows. */
const SCRIPT = 'cat /proc/self/attr/current; echo; /bin/busybox touch /etc/x; echo etc=$?; /bin/busybox touch /tmp/x; echo tmp=$?';

/** A busybox root and runc's default config, made to run SCRIPT without a terminal, under `profile` if given. */
function bundle(profile: string | undefined): string {
  const edits = [
    `s|"terminal": true,|"terminal": false,${profile ? ` "apparmorProfile": "${profile}",` : ''}|`,
    's|"readonly": true|"readonly": false|',
    `s|^\\t\\t\\t"sh"$|\\t\\t\\t"/bin/busybox", "sh", "-c", "${SCRIPT.replace(/\$/g, '\\$').replace(/&/g, '\\&')}"|`,
  ];
  return [
    'rm -rf /srv/ctr && mkdir -p /srv/ctr/rootfs/bin /srv/ctr/rootfs/etc /srv/ctr/rootfs/tmp && cd /srv/ctr',
    'cp /bin/busybox rootfs/bin/ && ln -s busybox rootfs/bin/sh && runc spec',
    ...edits.map((e) => `sed -i '${e}' config.json`),
  ].join('\n');
}

let runs = 0;

kernelSuite('a container under runc with an AppArmor profile', (test, vm) => {
  test('process.apparmorProfile confines the container; the profile\'s deny rules refuse and, with noquiet, are logged', async (t) => {
    if (!fs.existsSync(RUNC)) {
      t.skip(`no runc at ${RUNC} (.ci/install-kernel-vm downloads Debian's)`);
      return;
    }
    await load(vm(), PROFILE);
    await vm().must('printf noquiet > /sys/module/apparmor/parameters/audit; dmesg -c > /dev/null');
    const confined = await vm().must(`${bundle('aak-container')}\nrunc run --no-pivot -b /srv/ctr aak${++runs}`);
    assert.match(confined, /^aak-container \(enforce\)\n/);
    assert.match(confined, /etc=1\ntmp=0/);
    const log = await vm().must('sleep 0.5; dmesg');
    assert.match(log, /apparmor="DENIED" operation="(open|mknod)" profile="aak-container" name="\/etc\/x"/);

    const unconfined = await vm().must(`${bundle(undefined)}\nrunc run --no-pivot -b /srv/ctr aak${++runs}`);
    assert.match(unconfined, /^unconfined\n/);
    assert.match(unconfined, /etc=0\ntmp=0/);
  });
});

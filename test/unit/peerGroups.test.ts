import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { check, describe, errorsOf } from '../support/helpers';

// What apparmor_parser 3.0.8 and 4.1 accept in and around peer=( … ) (test/conformance/probes/peer-*).
const ACCEPTED = [
  'dbus peer=(path=/a name=b),',
  'dbus send peer=(member=m interface=i bus=system label=l),',
  'dbus send member=a peer=(name=b),',
  'dbus send peer=(name=(a)),',
  'unix peer=(addr=(@a)),',
  'unix peer=(label=(foo)),',
  'unix (send, receive) type=stream peer=(addr=none, label=foo),',
  'unix addr=@a peer=(addr=@b),',
  'unix type=(stream),',
  'network peer=(ip=::1 port=80),',
  'signal set=(hup int) peer=a,',
];

for (const rule of ACCEPTED) {
  test(`accepted: ${rule}`, () => {
    const text = `profile p {\n  ${rule}\n}\n`;
    assert.equal(describe(errorsOf(check(text)), text), 'no problems');
  });
}

test('one mistake in a peer group is one error', () => {
  const text = 'profile p {\n  unix peer=(label=a label=b addr=(@a @b)) type=stream,\n}\n';
  assert.deepEqual(errorsOf(check(text)).map((p) => p.code).sort(), ['conditional-list', 'conditional-repeated', 'peer-group-last']);
});

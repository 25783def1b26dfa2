import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { check, describe } from '../support/helpers';

/** A small policy tree so includes and variables resolve. */
const FILES: Record<string, string> = {
  '/etc/apparmor.d/tunables/global': '@{HOME}=@{HOMEDIRS}/*/ /root/\n@{HOMEDIRS}=/home/\n@{PROC}=/proc/\n@{pid}={[1-9],[1-9][0-9]}\n${distro_mods}=true\n',
  '/etc/apparmor.d/abstractions/base': '  /etc/ld.so.cache r,\n  /{usr/,}lib{,32,64}/** mr,\n',
  '/etc/apparmor.d/abi/3.0': 'not policy',
};

/** Every construct up to 5.0, each of which must check clean. */
const VALID: [string, string][] = [
  ['abi angle', 'abi <abi/3.0>,\nprofile p { }'],
  ['abi quoted', 'abi "abi/3.0",\nprofile p { }'],
  ['abi in body', 'profile p { abi <abi/3.0>, }'],
  ['include forms', 'include <tunables/global>\n#include <tunables/global>\nprofile p {\n include <abstractions/base>\n #include <abstractions/base>\n include if exists <local/p>\n #include if exists <local/p>\n}'],
  ['include then rule on same line', 'profile p {\n include <abstractions/base> /a r,\n}'],
  ['hash-space include is a comment', 'profile p {\n # include <nothing/here>\n}'],
  ['variables', '@{A}=/a /b\n@{A}+=/c\n@{B} = "/with space" /x\n@{C}=/a \\\n  /b\n@{E} = ""\nprofile p { @{A} r, @{B} r, @{C} r, }'],
  ['boolean variable', '${B}=true\nprofile p { if ${B} { /a r, } else { /b r, } }'],
  ['5.0 assignments', '@{V} ?= /a\n@{V} := /b\nprofile p { @{V} r, }'],
  ['alias and rewrite', 'alias /usr/ -> /mnt/usr/,\nrewrite /a/ -> /b/,\nprofile p { }'],
  ['path-named profile', '/usr/bin/foo { /a r, }'],
  ['named with attachment', 'profile foo /usr/{bin,sbin}/foo* { }'],
  ['variable attachment', '@{exec_path}=/usr/bin/x\nprofile foo @{exec_path} { }'],
  ['quoted name', 'profile "foo bar" { }'],
  ['namespaces', ':ns:name { }\nprofile :ns2:name2 { }\n:ns3://name3 { }'],
  ['flags', 'profile p flags=(complain,audit) { }\nprofile q (complain audit) { }\nprofile r flags = ( attach_disconnected, mediate_deleted ) { }'],
  ['valued flags', 'profile p flags=(attach_disconnected.path=/run/x, kill.signal=hup, error=EPERM) { }'],
  ['xattrs', 'profile p /usr/bin/p xattrs=(security.apparmor=trusted user.x="a b") flags=(complain) { }'],
  ['identities', 'profile p /usr/bin/p + identities=(foo bar) + identities=("/x") { }'],
  ['hats and children', 'profile p {\n ^hat { /a r, }\n hat h2 { }\n profile child { }\n profile c2 /usr/bin/c2 flags=(complain) { ^inner { } }\n}'],
  ['top-level hat', '^h { }'],
  ['qualifiers', 'profile p {\n priority=10 audit deny owner /a w,\n audit allow /b r,\n user /c r,\n other /d r,\n prompt /e r,\n priority = -5 /f r,\n}'],
  ['qualifier blocks', 'profile p {\n owner { /a r, /b w, }\n audit { /c r, }\n audit deny { /d w, }\n deny { /e w, }\n}'],
  ['file rules both orders', 'profile p { /a r, rw /b, file /c rw, file rw /d, file, "/e f" r, }'],
  ['exec transitions', 'profile p {\n /a ix, /b ux, /c Ux, /d px, /e Px, /f cx, /g Cx, /h pix, /i Pix,\n /j cix, /k Cix, /l pux, /m PUx, /n cux, /o CUx, /p rPx, /q pIx,\n}'],
  ['exec targets', 'profile p {\n /a px -> foo,\n /b Cx -> child,\n /c Px -> :ns:p,\n /d px -> &stacked,\n /e Px -> p//child,\n /f px -> "quoted",\n profile child { }\n}'],
  ['safe unsafe', 'profile p { safe /a rix, unsafe /b Px, }'],
  ['deny x', 'profile p { deny /a x, deny /b rwx, }'],
  ['link rules', 'profile p { link subset /a -> /b, link /c -> /d, /e l -> /f, l /g -> /h, }'],
  ['capability', 'profile p { capability, capability chown dac_override, capability net_admin,\n capability sys_admin, }'],
  ['network old', 'profile p { network, network inet, network inet stream, network inet tcp, network stream, network tcp, network inet6 raw, network netlink raw, }'],
  ['network 4.0', 'profile p { network (connect, send) inet stream ip=127.0.0.1 port=80 peer=(ip=10.0.0.1 port=1024-2048), network getattr peer=(ip=::1), network ip=none, }'],
  ['network 5.0', 'profile p { network inet interface=eth0, network send peer=(label=foo), }'],
  ['unix', 'profile p { unix, unix (send, receive) type=stream peer=(label=foo addr=@bar), unix (bind, listen) type=stream addr=@myserver, unix (connect) type=seqpacket addr=none peer=(addr=auto), unix bind, }'],
  ['dbus', 'profile p {\n dbus,\n dbus (send, receive, bind),\n deny dbus bus=session,\n dbus bind bus=system name=com.example.Name,\n dbus send bus=session path=/a interface=org.x.I member=M peer=(name=org.y label=foo),\n dbus eavesdrop bus=system,\n dbus receive\n   bus=system\n   path=/org/x\n   peer=(label=unconfined),\n}'],
  ['signal', 'profile p { signal, signal (send) set=(hup, int) peer=foo, signal (receive) peer=unconfined, signal set=(rtmin+0 rtmin+32), signal (send, receive) set=("exists"), signal send set=(hup int), }'],
  ['ptrace', 'profile p { ptrace, ptrace (read, tracedby) peer=foo, ptrace (trace) peer=/usr/bin/foo, ptrace read, }'],
  ['mount family', 'profile p {\n mount,\n mount fstype=ext4 options=(rw,nosuid) /dev/sda1 -> /mnt/,\n mount options in (ro, nodev) /dev/foo -> /mnt/,\n mount -> /mnt/**,\n mount options=ro /dev/foo,\n remount /mnt/,\n umount /mnt/,\n unmount /mnt/,\n pivot_root oldroot=/mnt/old/ /mnt/new/ -> childprofile,\n}'],
  ['change_profile', 'profile p {\n change_profile,\n change_profile -> foo,\n change_profile -> {a,b,c},\n change_profile /bin/bash -> new_profile,\n change_profile safe /bin/bash -> p,\n change_profile unsafe /bin/bash -> :ns:p,\n change_profile -> &stacked,\n}'],
  ['rlimit', 'profile p {\n set rlimit nofile <= 1024,\n set rlimit data <= 100M,\n set rlimit as <= infinity,\n set rlimit cpu <= 10seconds,\n set rlimit nice <= -5,\n set rlimit rttime <= 60ms,\n}'],
  ['4.0 rules', 'profile p { userns, userns create, mqueue, mqueue (read, write) type=posix /queue_name, mqueue create type=sysv 1234, mqueue open label=foo, io_uring, io_uring sqpoll, io_uring (override_creds) label=foo, all, deny all, audit all, }'],
  ['if forms', '${A}=true\n${B}=false\n@{V}=/a\nprofile p {\n if ${A} { /a r, } else if defined @{V} { /b r, } else { /c r, }\n if not ${B} { /d r, }\n if defined ${A} { }\n}'],
  ['if 5.0 expressions', '${A}=true\n${B}=false\n@{V}=/a\n@{VER}=10\nprofile p {\n if ${A} and not (${B} or defined @{V}) { /a r, }\n if @{VER} >= 10 { }\n if /home/user/ in @{V} { }\n if @{V} == foo { }\n if "gnome" in @{V} { }\n}'],
  ['boolean expression assignment', '${A}=true\n${B}=${A} and not ${A}\nprofile p { }'],
  ['comments and hash in paths', 'profile p { # comment\n /tmp/a#b r, # trailing\n /c r,# tight\n}'],
  ['globs', '@{V}=x\nprofile p { /a/** r, /b/*.conf r, /c/? r, /d/[abc] r, /e/[^a-c] r, /f/{a,b,{c,d}} r, /g/{,b} r, /h/{@{V},c} r, /i/\\{x r, }'],
  ['several rules on a line', 'profile p { /a r, /b r, capability chown, /c r,/d r, capability chown,capability fowner, }'],
  ['crlf', 'profile p {\r\n  /a r,\r\n}\r\n'],
  ['empty file', ''],
  ['only preamble', '@{X}=/x\n'],
  ['variables from tunables', 'include <tunables/global>\nprofile p { @{HOME}/** r, @{PROC}/@{pid}/stat r, if ${distro_mods} { } }'],
  ['builtin variables', 'profile p /usr/bin/p { @{profile_name} r, @{exec_path} r, @{attach_path} r, signal peer=@{profile_name}, }'],
];

for (const [name, text] of VALID) {
  test(`valid: ${name}`, () => {
    const problems = check(text, { files: FILES }).filter((p) => p.code !== 'newer-than-abi');
    assert.equal(describe(problems, text), 'no problems');
  });
}

test('fragments hold bare rules and are checked without false errors', () => {
  const text = '  /etc/x r,\n  include <abstractions/base>\n  capability chown,\n  @{UNDECLARED_HERE}/x r,\n';
  assert.equal(describe(check(text, { files: FILES, path: '/etc/apparmor.d/abstractions/x' }), text), 'no problems');
  assert.equal(describe(check(text, { files: FILES, fragment: true }), text), 'no problems');
  // Detected by content too: no profile, only rules.
  assert.equal(describe(check(text, { files: FILES, path: '/srv/policy/snippet' }), text), 'no problems');
});

test('tunables fragments may append to variables declared elsewhere', () => {
  const text = '@{HOMEDIRS}+=/srv/home/\n';
  assert.equal(describe(check(text, { files: FILES, path: '/etc/apparmor.d/tunables/home.d/site' }), text), 'no problems');
});

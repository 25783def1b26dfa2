/**
 * Snippets of the constructs AppArmor 4.0, 4.1 and 5.0 added, valid and not, each with the
 * verdict of apparmor_parser 4.1.0 (Debian trixie's; `.ci/install-parser4`). Our checker must
 * give the same verdict, except where 4.1 predates the construct (`since`) or where we part
 * from the parser on purpose (`deliberate`). test/unit/abi4.test.ts holds both to it.
 */
export interface VersionCase {
  /** Rules for the body of `profile p { … }`, or with `top` what follows the preamble. */
  readonly text: string;
  readonly top?: boolean;
  readonly parser41: 'accept' | 'reject';
  /** 4.1 rejects it only for coming later: the release that accepts it (our checker, on the 5.0 grammar, does). */
  readonly since?: string;
  /** Why our checker gives the other verdict on purpose. */
  readonly deliberate?: string;
}

const ok = (text: string): VersionCase => ({ text, parser41: 'accept' });
const no = (text: string): VersionCase => ({ text, parser41: 'reject' });
const later = (since: string, text: string, top = false): VersionCase => ({ text, parser41: 'reject', since, ...(top ? { top } : {}) });
const topOk = (text: string): VersionCase => ({ text, top: true, parser41: 'accept' });
const topNo = (text: string): VersionCase => ({ text, top: true, parser41: 'reject' });

const USERNS = [
  ok('userns,'), ok('userns create,'), ok('deny userns create,'), ok('audit userns,'),
  no('userns (create),'), no('userns bogus,'), no('userns create label=foo,'), no('userns create create,'), no('owner userns,'),
];

const IO_URING = [
  ok('io_uring,'), ok('io_uring sqpoll,'), ok('io_uring override_creds,'), ok('io_uring (sqpoll, override_creds),'),
  ok('io_uring override_creds label=foo,'), ok('io_uring label=foo,'),
  no('io_uring bogus,'), no('io_uring /path,'), no('owner io_uring,'),
];

const MQUEUE = [
  ok('mqueue,'), ok('mqueue create,'), ok('mqueue (read, write) type=posix /queue_name,'),
  ok('mqueue (create open delete getattr setattr read write) /q,'), ok('mqueue r /q,'), ok('mqueue rw type=posix /q,'),
  ok('mqueue create type=sysv 1234,'), ok('mqueue type=sysv 1234,'), ok('mqueue open label=foo /q,'), ok('mqueue /q,'),
  ok('mqueue 1234,'), ok('mqueue delete /q*,'), ok('mqueue type=posix,'), ok('mqueue setattr type=sysv,'), ok('mqueue type=(posix) /q,'),
  no('mqueue type=sysv /q,'), no('mqueue type=posix 1234,'), no('mqueue type=bogus /q,'), no('mqueue bogus,'),
  no('mqueue exec /q,'), no('owner mqueue /q,'), no('mqueue @{HOME},'), no('mqueue type in (posix) /q,'),
];

const ALL = [
  ok('all,'), ok('deny all,'), ok('audit all,'), ok('allow all,'), ok('priority=0 all,'),
  no('owner all,'), no('all bogus,'), no('all (read),'), no('priority=1 all,'),
];

const NETWORK = [
  ok('network inet stream ip=127.0.0.1 port=80,'), ok('network inet6 stream ip=::1 port=443,'),
  ok('network (connect, send) inet stream peer=(ip=10.0.0.1 port=1024-2048),'),
  ok('network (connect accept send receive r w rw read write) peer=(ip=::1),'),
  ok('network getattr ip=::1,'), ok('network bind ip=0.0.0.0 port=8080,'), ok('network inet ip=::1 peer=(ip=1.2.3.4),'),
  ok('network ip=none,'), ok('network peer=(ip=none),'), ok('network port=65535,'), ok('network port=0,'), ok('network port=+80,'),
  ok('network port=080,'), ok('network port=1-1,'), ok('network port=(80 90),'), ok('network ip=::,'), ok('network ip=FE80::ABCD,'),
  ok('network ip=::ffff:1.2.3.4,'), ok('network ip=1:2:3:4:5:6:1.2.3.4,'), ok('network inet6 ip=127.0.0.1,'),
  ok('network stream ip=1.2.3.4,'), ok('network tcp peer=(port=80),'), ok('network icmp ip=1.2.3.4,'), ok('network inet raw port=80,'),
  ok('network connect,'), ok('network (send receive) inet dgram,'), ok('network rw inet,'), ok('priority=0 network inet,'),
  no('network getattr peer=(ip=::1),'), no('network create peer=(ip=::1),'), no('network listen peer=(port=80),'),
  no('network shutdown peer=(ip=1.2.3.4),'), no('network setopt peer=(ip=1.2.3.4),'), no('network getattr ip=1.2.3.4 peer=(port=1),'),
  no('network ip=300.1.1.1,'), no('network ip=abc,'), no('network ip=10.0.0.0/8,'), no('network ip=01.2.3.4,'), no('network ip=1::2::3,'),
  no('network ip=1:2:3:4:5:6:7::8,'), no('network ip=::ffff:1.2.3.04,'), no('network ip=12345::,'),
  no('network inet6 dgram peer=(ip=fe80::1%eth0),'), no('network ip=@{HOME},'),
  no('network port=99999,'), no('network port=80-70,'), no('network port=http,'), no('network port=-5,'),
  no('network unix stream ip=1.2.3.4,'), no('network netlink ip=1.2.3.4,'), no('network packet ip=1.2.3.4,'),
  no('network bluetooth stream ip=none,'), no('network unix peer=(ip=1.2.3.4),'),
  no('network (bogus) inet,'), no('network inet ip in (1.2.3.4),'), no('network peer=(bogus=1),'),
  no('owner network inet,'), no('priority=1 network inet,'),
  later('5.0', 'network peer=(label=foo),'), later('5.0', 'network label=foo,'), later('5.0', 'network inet interface=eth0,'),
];

const UNIX = [
  ok('unix (send) peer=(addr=@a),'), ok('unix (connect, send) peer=(label=foo),'), ok('unix accept peer=(label=foo),'), ok('unix (bind) addr=@a,'),
  no('unix getattr peer=(label=foo),'), no('unix create peer=(addr=@a),'), no('owner unix,'),
];

/** owner/user/other match a file's owner; every other kind of rule refuses them. */
const OWNER = [
  ok('owner /a r,'), ok('owner file,'), ok('owner link /a -> /b,'), ok('user /a r,'), ok('other /a r,'), ok('owner { network inet, }'),
  no('owner dbus,'), no('owner signal,'), no('user ptrace,'), no('other mount,'), no('owner remount /a,'), no('owner pivot_root,'),
  no('owner capability chown,'), no('owner change_profile,'),
];

const PRIORITY_AND_PROMPT = [
  ok('priority=10 /a r,'), ok('priority=-10 /a r,'), ok('priority=1000 /a r,'), ok('priority = 5 /a r,'), ok('priority=+5 /a r,'),
  ok('priority=1 audit deny owner /a w,'), ok('priority=1 capability chown,'), ok('priority=1 userns,'), ok('priority=1 mqueue,'),
  ok('priority=1 io_uring,'), ok('priority=1 unix,'), ok('priority=1 dbus,'), ok('priority=1 mount,'), ok('priority=1 file,'),
  no('priority=1001 /a r,'), no('priority=-1001 /a r,'), no('priority=abc /a r,'), no('priority=1 owner { /a r, }'),
  no('priority=1 set rlimit nofile <= 10,'), no('priority=1 ^hat { }'),
  ok('prompt /a r,'), ok('audit prompt /a r,'), ok('prompt owner /a r,'), ok('prompt capability chown,'), ok('prompt userns,'),
  ok('prompt all,'), ok('prompt { /a r, }'), no('prompt deny /a r,'), no('deny prompt /a r,'),
  {
    ...ok('priority=1 include <abstractions/base>'),
    deliberate: 'the parser splices the included text in, so the prefix lands on its first rule; we refuse a prefix before include',
  },
];

const BLOCKS_AND_OTHERS = [
  ok('audit deny { /a w, }'), ok('deny { /a w, }'), ok('allow { /a r, }'), ok('deny owner { /a w, }'), no('owner audit { /a r, }'),
  ok('capability bpf perfmon checkpoint_restore,'), ok('signal set=(emt),'), ok('signal set=(exists),'),
  later('5.0', 'signal set=(tstp),'), later('5.0', 'signal set=(poll),'),
  // The attachment built-ins exist only in profiles with an attachment.
  later('5.0', 'profile p /usr/bin/p { @{exec_path} r, @{attach_path} r, }', true),
];

/** One options=(…) list setting and clearing the same flag; 4.0 made this an error. */
const MOUNT = [
  ok('mount options=(symfollow) /a -> /b,'), ok('mount options=(nosymfollow, lazytime) /a -> /b,'), ok('mount options=(nostrictatime) /a -> /b,'),
  ok('mount options in (ro, rw) /x -> /y,'), ok('mount options=ro options=rw /x -> /y,'), ok('mount options=(relatime, norelatime) /x -> /y,'),
  ok('mount options=(verbose, silent) /x -> /y,'), ok('mount options=(ro, r) /x -> /y,'), ok('mount options=(rw, noatime, nosuid) fstype=ext4 /x -> /y,'),
  no('mount options=(rw, ro) /a -> /b,'), no('mount options=(ro,rw) /x -> /y,'), no('remount options=(ro, rw) /x,'),
  no('umount options=(suid, nosuid) /x,'), no('mount options=(silent, loud) /x -> /y,'), no('mount options=(bogus) /a -> /b,'),
];

const FLAGS = [
  topOk('profile p flags=(complain) { }'), topOk('profile p flags=(kill) { }'), topOk('profile p flags=(unconfined) { }'),
  topOk('profile p flags=(prompt) { }'), topOk('profile p flags=(default_allow) { }'), topOk('profile p flags=(debug) { }'),
  topOk('profile p flags=(interruptible) { }'), topOk('profile p flags=(kill.signal=hup) { }'), topOk('profile p flags=(kill.signal=rtmin+3) { }'),
  topOk('profile p flags=(error=EPERM) { }'), topOk('profile p flags=(error=eperm) { }'), topOk('profile p flags=(attach_disconnected.path=/run/x) { }'),
  topOk('profile p flags=(kill, kill.signal=term) { }'), topOk('profile p flags=(unconfined) { all, }'),
  topOk('profile p flags=(default_allow) { deny /a r, }'), topOk('profile p { ^h flags=(unconfined) { } }'),
  topNo('profile p flags=(complain, kill) { }'), topNo('profile p flags=(unconfined, complain) { }'), topNo('profile p flags=(prompt, kill) { }'),
  topNo('profile p flags=(default_allow, complain) { }'), topNo('profile p flags=(kill.signal=bogus) { }'),
  topNo('profile p flags=(kill.signal=SIGHUP) { }'), topNo('profile p flags=(kill.signal=9) { }'), topNo('profile p flags=(error=EBOGUS) { }'),
  topNo('profile p flags=(error=1) { }'), topNo('profile p flags=(error) { }'), topNo('profile p flags=(attach_disconnected.path=relative) { }'),
  topNo('profile p flags=(mediate_deleted, delegate_deleted) { }'), topNo('profile p flags=(chroot_attach, chroot_no_attach) { }'),
  later('5.0', 'profile p flags=(attach_disconnected.ipc) { }', true), later('5.0', 'profile p flags=(attach_disconnected.ipc=/x) { }', true),
  {
    ...topOk('profile p open /a r, }'),
    deliberate: "4.0's keyword table maps 'open' to the token of '{'; we keep the brace a brace (reference grammar §13)",
  },
];

export const VERSION_CASES: readonly VersionCase[] = [
  ...USERNS, ...IO_URING, ...MQUEUE, ...ALL, ...NETWORK, ...UNIX, ...OWNER, ...PRIORITY_AND_PROMPT, ...BLOCKS_AND_OTHERS, ...MOUNT, ...FLAGS,
];

/** Profiles generated for the benchmarks (bench/run.ts and bench/lsp.ts). */

/** Rule shapes of real profiles; `{i}` makes each line unique. */
const RULES = [
  '  /usr/lib/@{multiarch}/libapp{i}.so* mr,',
  '  owner @{HOME}/.config/app{i}/** rw,',
  '  /etc/app{i}/{conf,conf.d/*} r,',
  '  capability {cap},',
  '  network {family} stream,',
  '  deny /proc/sys/kernel/app{i}/** w,',
  '  /usr/bin/helper{i} Px -> helper{i},',
  '  signal (send) set=(term, kill) peer=helper{i},',
  '  dbus send bus=session path=/org/app{i} interface=org.app.Iface member=Ping peer=(name=org.app{i}),',
  '  unix (send, receive) type=stream peer=(label=helper{i}),',
  '  owner /tmp/app{i}-*/{,**} rwk,',
  '  ptrace (read) peer=helper{i},',
];
const CAPS = ['chown', 'fowner', 'kill', 'setuid', 'setgid', 'net_bind_service', 'sys_nice', 'ipc_lock'];
const FAMILIES = ['inet', 'inet6', 'unix', 'netlink'];

/**
 * A profile of about `lines` lines where every line is a rule and a third of the rules are
 * long dbus, unix, signal and ptrace rules: about three times the work per line of the
 * corpus's profiles, a stress case.
 */
export function denseProfile(lines: number): string {
  const out = ['abi <abi/3.0>,', '', '@{APP} = /usr/bin/app', '@{HOME} = /home/*/ /root/', '@{multiarch} = *-linux-gnu*', '', 'profile app @{APP} flags=(attach_disconnected) {'];
  for (let i = 0; out.length < lines - 1; i++) {
    if (i % 50 === 0) out.push(`  # section ${i / 50}`);
    const rule = RULES[i % RULES.length]!;
    if (rule.includes('{cap}') && i / RULES.length >= CAPS.length) continue;
    if (rule.includes('{family}') && i / RULES.length >= FAMILIES.length) continue;
    const n = Math.floor(i / RULES.length);
    out.push(rule.replace(/\{i\}/g, String(i)).replace('{cap}', CAPS[n] ?? '').replace('{family}', FAMILIES[n] ?? ''));
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/**
 * Kinds of line per 1,000 in the shared corpus's profiles (profiles/, 85,993 lines, counted
 * with our parser): blank lines, comments, file rules with and without a qualifier, includes,
 * profiles (about one per 40 lines) and the other rule kinds.
 */
const CORPUS_MIX: readonly [Kind, number][] = [
  ['blank', 284], ['comment', 114], ['file', 223], ['qualified', 78], ['include', 130], ['profile', 24],
  ['capability', 23], ['network', 22], ['signal', 6], ['ptrace', 4], ['dbus', 3], ['unix', 3], ['mount', 3],
];
type Kind = 'blank' | 'comment' | 'file' | 'qualified' | 'include' | 'profile' | 'capability' | 'network' | 'signal' | 'ptrace' | 'dbus' | 'unix' | 'mount';

const CAPABILITIES = ['chown', 'dac_override', 'fowner', 'kill', 'setuid', 'setgid', 'net_bind_service', 'sys_nice', 'ipc_lock', 'sys_ptrace', 'audit_write', 'net_admin'];

function lineOf(kind: Kind, i: number): string {
  switch (kind) {
    case 'blank': return '';
    case 'comment': return `  # rules for part ${i} of the application`;
    case 'file': return [`  /usr/share/app/${i}/** r,`, `  @{PROC}/@{pid}/fd${i}/ r,`, `  /usr/lib/@{multiarch}/libapp${i}.so* mr,`, `  /etc/app/conf${i}.d/{,*} r,`][i % 4]!;
    case 'qualified': return [`  owner @{HOME}/.config/app${i}/** rwk,`, `  deny /proc/sys/kernel/x${i} w,`, `  audit /var/log/app${i}.log w,`][i % 3]!;
    case 'include': return [`  include <abstractions/app${i}>`, `  include if exists <local/app${i}>`][i % 2]!;
    case 'profile': return `  profile part${i} {`;
    case 'capability': return `  capability ${CAPABILITIES[i % CAPABILITIES.length]!},`;
    case 'network': return ['  network inet stream,', '  network inet6 dgram,', '  network netlink raw,', '  network unix stream,'][i % 4]!;
    case 'signal': return `  signal (send) set=(term, kill) peer=helper${i},`;
    case 'ptrace': return `  ptrace (read) peer=helper${i},`;
    case 'dbus': return `  dbus send bus=session path=/org/app${i} interface=org.app.Iface member=Ping peer=(name=org.app${i}),`;
    case 'unix': return `  unix (send, receive) type=stream peer=(label=helper${i}),`;
    case 'mount': return `  mount fstype=tmpfs options=(rw, nosuid) tmpfs -> /run/app${i}/,`;
  }
}

/**
 * A profile of about `lines` lines with the corpus's mix of lines: a main profile whose
 * body holds a child profile every 40 lines or so, as a file of the corpus holds a profile.
 */
export function corpusShapedProfile(lines: number): string {
  const out = ['abi <abi/3.0>,', '', '@{PROC} = /proc', '@{pid} = {[1-9],[1-9][0-9]*}', '@{HOME} = /home/*/ /root/', '@{multiarch} = *-linux-gnu*', '', 'profile app /usr/bin/app flags=(attach_disconnected) {'];
  const deck = CORPUS_MIX.flatMap(([kind, n]) => Array.from({ length: n }, () => kind));
  let child = false;
  // A stride prime to the deck's length deals every kind in turn, spread evenly.
  for (let i = 0; out.length < lines - 2; i++) {
    const kind = deck[(i * 7919) % deck.length]!;
    if (kind === 'profile' && child) out.push('  }');
    if (kind === 'profile') child = true;
    out.push(lineOf(kind, i));
  }
  if (child) out.push('  }');
  out.push('}');
  return out.join('\n') + '\n';
}

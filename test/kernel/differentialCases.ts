/**
 * Generated (profile, access) pairs for the differential test of the evaluator against the
 * kernel: profiles of random rules (globs, alternations, variables with `+=`, deny, audit,
 * owner, exec transitions to child profiles, link pairs, capability, network, signal,
 * ptrace) and, for each, accesses the probe program makes with one system call each.
 * Seeded: the same seed gives the same pairs.
 */

export interface GenAccess {
  /** The access as `apparmor-lint --query` takes it. */
  readonly access: string;
  /** Guest shell: `$X` runs the probe confined by the profile. */
  readonly run: string;
}

export interface GenProfile {
  readonly name: string;
  /** The profile's text alone: abi line, its variables, the block. */
  readonly text: string;
  readonly accesses: readonly GenAccess[];
}

/** Files the rules and accesses range over; those under b/ belong to another user. */
const DIRS = ['a', 'b'] as const;
const FILES = ['x', 'y', 'xy', 'z1'] as const;
export const UNIVERSE_SETUP = [
  'mkdir -p /srv/f/a /srv/f/b && chmod 777 /srv/f /srv/f/a /srv/f/b',
  ...DIRS.flatMap((d) => FILES.map((f) => `echo x > /srv/f/${d}/${f}`)),
  'chmod 666 /srv/f/a/* /srv/f/b/*', 'chown 1000:1000 /srv/f/b/*',
].join('; ');

const PATHS = [
  '/srv/f/a/x', '/srv/f/b/y', '/srv/f/*/x', '/srv/f/**', '/srv/f/a/*', '/srv/f/?/x', '/srv/f/[ab]/y', '/srv/f/[^a]/*',
  '/srv/f/{a,b}/x{,y}', '/srv/f/a/z[0-9]', '/srv/f/@{V}/*', '/srv/f/b/**', '/srv/f/**/z1', '/srv/f/*/{x,y}', '/srv/f/{a/x,b/{y,z?}}',
  '/srv/f/*/*y', '/srv/f/@{V}/{x,z*}',
];
const LETTERS = ['r', 'w', 'a', 'm', 'l', 'k'] as const;
const EXECS = ['ix', 'ux', 'cx', 'cx -> kid', 'pix', 'cix', 'Cx -> kid', 'Ux', 'Pux'];
const CAPS = ['capability sys_nice,', 'deny capability sys_nice,', 'capability chown,', 'capability,', 'audit capability sys_nice,'];
const NETS = [
  'network inet stream,', 'network inet,', 'network unix dgram,', 'deny network inet6,', 'network,', 'network stream,', 'network unix,',
  'deny network dgram,', 'network inet6 stream,', 'audit network inet dgram,',
];
const SIGNALS = [
  'signal send set=usr1 peer=unconfined,', 'signal (send) set=(term, usr1),', 'signal send peer=unconfined,', 'deny signal send set=usr1,',
  'signal,', 'signal (receive),', 'signal send set=hup,', 'signal peer=unconf*,',
];
const PTRACES = ['ptrace trace peer=unconfined,', 'ptrace read,', 'ptrace,', 'deny ptrace trace,', 'ptrace (read, trace) peer=unconf*,', 'ptrace (trace) peer=other,'];
const LINKS = ['/srv/f/a/ln* l -> /srv/f/a/*,', 'link /srv/f/*/ln* -> /srv/f/**,', '/srv/f/** l,', 'deny /srv/f/b/ln* l,', '/srv/f/b/ln* l -> /srv/f/b/x,'];
const CHILD_BODY = '    /opt/t/child mr,\n    /proc/*/attr/current r,\n';

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (random: Random, p: number): boolean => random() < p;

function fileRule(random: Random): string {
  let letters = LETTERS.filter(() => chance(random, 0.35));
  if (letters.length === 0) letters = [pick(random, LETTERS)];
  // apparmor_parser refuses `w` with `a`.
  if (letters.includes('w') && letters.includes('a')) letters = letters.filter((l) => l !== 'a');
  const q = [chance(random, 0.15) ? 'audit' : '', chance(random, 0.25) ? 'deny' : '', chance(random, 0.2) ? 'owner' : ''].filter((w) => w !== '');
  return `${q.length > 0 ? `${q.join(' ')} ` : ''}${pick(random, PATHS)} ${letters.join('')},`;
}

function execRules(random: Random): string[] {
  const out: string[] = [];
  const r = random();
  if (r < 0.55) out.push(`/opt/t/child ${pick(random, EXECS)},`);
  else if (r < 0.65) out.push('deny /opt/t/child x,');
  else if (r < 0.75) out.push('audit deny /opt/t/* x,');
  // A glob beside the literal rule: the literal one decides the transition.
  if (chance(random, 0.25)) out.push(pick(random, ['/opt/t/* ix,', '/opt/** ux,', '/opt/t/chil? ix,']));
  return out;
}

/** One file access of the probe: the op, the letters it asks for. */
const FILE_OPS: readonly [string, string][] = [['read', 'r'], ['write', 'w'], ['append', 'a'], ['mmapx', 'mr'], ['lock', 'rk']];

function accessesFor(random: Random, count: number, serial: () => number): GenAccess[] {
  const out: GenAccess[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random();
    const dir = pick(random, DIRS);
    const owner = dir === 'a' ? 'owner ' : '';
    if (kind < 0.5) {
      const [op, letters] = pick(random, FILE_OPS);
      const file = `/srv/f/${dir}/${pick(random, FILES)}`;
      out.push({ access: `${owner}${letters} ${file}`, run: `$X ${op} ${file}` });
    } else if (kind < 0.6) {
      const target = `/srv/f/${dir}/${pick(random, FILES)}`;
      const link = `/srv/f/${dir}/ln${serial()}`;
      out.push({ access: `${owner}link ${link} -> ${target}`, run: `$X link ${target} ${link}` });
    } else if (kind < 0.7) {
      out.push({ access: 'x /opt/t/child', run: '$X exec /opt/t/child label' });
    } else if (kind < 0.75) {
      out.push({ access: 'capability sys_nice', run: '$X nice' });
    } else if (kind < 0.88) {
      const family = pick(random, ['inet', 'inet6', 'unix']);
      const type = pick(random, ['stream', 'dgram']);
      out.push(family === 'unix'
        ? { access: `unix create type=${type}`, run: `$X socket unix ${type}` }
        : { access: `network ${family} ${type}`, run: `$X socket ${family} ${type}` });
    } else if (kind < 0.94) {
      out.push({ access: 'signal send set=usr1 peer=unconfined', run: 'sleep 30 & s=$!; $X kill $s; r=$?; kill $s; exit $r' });
    } else {
      out.push({ access: 'ptrace trace peer=unconfined', run: 'sleep 30 & s=$!; $X ptrace $s; r=$?; kill -9 $s; exit $r' });
    }
  }
  return out;
}

function profileText(random: Random, name: string, v: string): string {
  const rules = ['/opt/t/probe mr,', '/proc/*/attr/current r,'];
  const n = 3 + Math.floor(random() * 6);
  for (let i = 0; i < n; i++) rules.push(fileRule(random));
  rules.push(...execRules(random));
  if (chance(random, 0.5)) rules.push(pick(random, CAPS));
  if (chance(random, 0.6)) rules.push(pick(random, NETS));
  if (chance(random, 0.3)) rules.push(pick(random, NETS));
  if (chance(random, 0.5)) rules.push(pick(random, SIGNALS));
  if (chance(random, 0.4)) rules.push(pick(random, PTRACES));
  if (chance(random, 0.5)) rules.push(pick(random, LINKS));
  const children: string[] = [];
  if (chance(random, 0.5)) children.push(`  profile kid {\n${CHILD_BODY}  }\n`);
  if (chance(random, 0.4)) children.push(`  profile /opt/t/child {\n${CHILD_BODY}  }\n`);
  const vars = chance(random, 0.5) ? `@{${v}}=a\n@{${v}}+=b\n` : `@{${v}}=${pick(random, ['a', 'b', '{a,b}'])}\n`;
  const body = rules.map((r) => `  ${r.replace(/@\{V\}/g, `@{${v}}`)}\n`).join('');
  return `abi <abi/3.0>,\n${vars}profile ${name} {\n${body}${children.join('')}}\n`;
}

export function generatePairs(seed: number, profiles: number, perProfile: number): GenProfile[] {
  let a = seed >>> 0;
  const random: Random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let links = 0;
  const serial = (): number => links++;
  const out: GenProfile[] = [];
  for (let i = 0; i < profiles; i++) {
    const name = `aad-${i}`;
    out.push({ name, text: profileText(random, name, `V${i}`), accesses: accessesFor(random, perProfile, serial) });
  }
  return out;
}

/** The profiles as one policy text for one compile: one abi line, every variable (they must come first), every block. */
export function combinedText(profiles: readonly GenProfile[]): string {
  const lines = profiles.map((p) => p.text.split('\n').slice(1));
  const vars = lines.flatMap((l) => l.filter((x) => x.startsWith('@{')));
  const blocks = lines.map((l) => l.filter((x) => !x.startsWith('@{')).join('\n'));
  return `abi <abi/3.0>,\n${vars.join('\n')}\n${blocks.join('\n')}`;
}

/**
 * Repository entries for the rules of a profile body (grammar.md §10). Each
 * keyword rule is a region from its keyword to its comma, because rules span
 * lines (dbus rules often do) and words such as `send` or `raw` are keywords
 * only inside their rule, as in the reference lexer's modes.
 */
import {
  CAPABILITIES, DBUS_CONDITIONALS, DBUS_PERMS, IO_URING_CONDITIONALS, IO_URING_PERMS, MOUNT_OPTIONS,
  MQUEUE_CONDITIONALS, MQUEUE_PERMS, MQUEUE_TYPES, NETWORK_CONDITIONALS, NETWORK_FAMILIES, NETWORK_PERMS,
  NETWORK_PROTOCOLS, NETWORK_TYPES, PTRACE_PERMS, RLIMITS, RLIMIT_SIZE_UNITS, RLIMIT_TIME_UNITS,
  SIGNAL_PERMS, UNIX_ADDR_SPECIAL, UNIX_CONDITIONALS, UNIX_PERMS, USERNS_PERMS,
} from '../../server/src/service/data/facts';
import { DANGEROUS_CAPABILITIES, DANGEROUS_NETWORK_FAMILIES, DANGEROUS_NETWORK_TYPES } from './danger';
import { type Captures, type Rule, ref, scope, words } from './tm';
import { START, STOP, WORD } from './tokens';
import { anyValue, conditional, constants, labelValue, peer, permissions, signalValues } from './values';

const keys = (table: ReadonlyMap<string, unknown>): string[] => [...table.keys()];
const without = (names: readonly string[], drop: readonly string[]): string[] => names.filter((n) => !drop.includes(n));

/** Constants with the risky ones first, under a `.dangerous` scope. */
function ranked(names: readonly string[], dangerous: readonly string[], name: string): Rule[] {
  return [constants(dangerous, `${name}.dangerous`), constants(without(names, dangerous), name)];
}

/** A rule from its keyword to its comma; `captures` when the keyword is several words. */
function region(keyword: string, kind: string, patterns: readonly Rule[], captures?: Captures): Rule {
  return {
    begin: String.raw`${START}${captures ? keyword : `(${keyword})`}${STOP}`,
    beginCaptures: captures ?? { 1: { name: scope(`keyword.other.${kind}`) } },
    // A missing comma before the closing brace must not swallow the rest of the file.
    end: String.raw`(,)|(?=\})`,
    endCaptures: { 1: { name: scope('punctuation.terminator.rule') } },
    name: scope(`meta.rule.${kind}`),
    patterns: [ref('comment'), ...patterns, ref('bang')],
  };
}

const capability = region('capability', 'capability',
  ranked(keys(CAPABILITIES), DANGEROUS_CAPABILITIES, 'constant.language.capability'));

const typeValues = [...ranked(keys(NETWORK_TYPES), DANGEROUS_NETWORK_TYPES, 'constant.language.network.type'), ...anyValue];

/** `ip=none` means "no address"; ports are numbers or ranges. */
const addressConditionals = [
  ...conditional(['ip'], [constants(['none'], 'constant.language.network.address'), ...anyValue]),
  ...conditional(['port'], [
    { match: String.raw`(?<![^\s,(=])[0-9]+(?:-[0-9]+)?(?![^\s,)])`, name: scope('constant.numeric.integer') },
    ...anyValue,
  ]),
];

const network = region('network', 'network', [
  peer([...addressConditionals, ...conditional(['label'], labelValue)]),
  ...addressConditionals,
  ...conditional(['label'], labelValue),
  ...conditional(without(keys(NETWORK_CONDITIONALS), ['peer', 'label', 'ip', 'port']), anyValue),
  ...permissions(keys(NETWORK_PERMS), 'network'),
  ...ranked(keys(NETWORK_FAMILIES), DANGEROUS_NETWORK_FAMILIES, 'constant.language.network.family'),
  ...ranked(keys(NETWORK_TYPES), DANGEROUS_NETWORK_TYPES, 'constant.language.network.type'),
  constants(keys(NETWORK_PROTOCOLS), 'constant.language.network.protocol'),
]);

const unixAddress = [constants(keys(UNIX_ADDR_SPECIAL), 'constant.language.unix.address'), ...anyValue];

const unix = region('unix', 'unix', [
  peer([...conditional(['addr'], unixAddress), ...conditional(['label'], labelValue)]),
  ...conditional(['type'], typeValues),
  ...conditional(['addr'], unixAddress),
  ...conditional(['label'], labelValue),
  ...conditional(without(keys(UNIX_CONDITIONALS), ['type', 'addr', 'label', 'peer']), anyValue),
  ...permissions(keys(UNIX_PERMS), 'unix'),
]);

const dbusValues = [ref('string'), ref('path'), ref('value')];

const dbus = region('dbus', 'dbus', [
  peer([...conditional(['name'], dbusValues), ...conditional(['label'], labelValue)]),
  ...conditional(without(keys(DBUS_CONDITIONALS), ['peer', 'label']), dbusValues),
  ...permissions(keys(DBUS_PERMS), 'dbus'),
]);

const signal = region('signal', 'signal', [
  ...conditional(['set'], signalValues()),
  ...conditional(['peer'], labelValue),
  ...permissions(keys(SIGNAL_PERMS), 'signal'),
]);

const ptrace = region('ptrace', 'ptrace', [
  ...conditional(['peer'], labelValue),
  ...permissions(keys(PTRACE_PERMS), 'ptrace'),
]);

const mountOptions = [constants(keys(MOUNT_OPTIONS), 'constant.language.mount-option'), ...anyValue];

/** mount, remount, umount and unmount share one body: conditionals, source, `->`, mount point. */
const mount = region('mount|remount|umount|unmount', 'mount', [
  ...conditional(['options', 'option'], mountOptions),
  ...conditional(['fstype', 'vfstype'], anyValue),
  ref('path'),
  ref('string'),
  { match: '->', name: scope('keyword.operator.arrow') },
  ref('value'),
]);

const pivotRoot = region('pivot_root', 'pivot-root', [
  ...conditional(['oldroot'], [ref('path'), ...anyValue]),
  ref('arrow-target'),
  ref('path'),
  ref('string'),
]);

/** Everything after `->` in change_profile names a profile, paths included. */
const changeProfile = region('change_profile', 'change-profile', [
  { match: String.raw`${START}(?:safe|unsafe)(?=\s)`, name: scope('storage.modifier.exec') },
  {
    begin: '->',
    beginCaptures: { 0: { name: scope('keyword.operator.arrow') } },
    end: String.raw`(?=[,}])`,
    patterns: [
      ref('comment'),
      ref('string'),
      {
        match: `${START}${WORD}`,
        name: scope('entity.name.function.target'),
        captures: { 0: { patterns: [ref('profile-reference'), ref('glob')] } },
      },
    ],
  },
  ref('path'),
  ref('string'),
]);

const rlimit = region(String.raw`(set)\s+(rlimit)`, 'rlimit', [
  constants(keys(RLIMITS), 'constant.language.rlimit'),
  { match: '<=', name: scope('keyword.operator.comparison') },
  { match: String.raw`${START}infinity${STOP}`, name: scope('constant.language.infinity') },
  {
    match: String.raw`(?<![^\s=])([+-]?[0-9]+)(${words([...keys(RLIMIT_SIZE_UNITS), ...keys(RLIMIT_TIME_UNITS)])})?(?![^\s,])`,
    captures: { 1: { name: scope('constant.numeric.integer') }, 2: { name: scope('keyword.other.unit') } },
  },
], { 1: { name: scope('keyword.other.set') }, 2: { name: scope('keyword.other.rlimit') } });

const userns = region('userns', 'userns', permissions(keys(USERNS_PERMS), 'userns'));

const mqueue = region('mqueue', 'mqueue', [
  ...conditional(['type'], [constants(keys(MQUEUE_TYPES), 'constant.language.mqueue.type'), ...anyValue]),
  ...conditional(without(keys(MQUEUE_CONDITIONALS), ['type']), labelValue),
  ...permissions(keys(MQUEUE_PERMS), 'mqueue'),
  { match: String.raw`${START}[0-9]+${STOP}`, name: scope('constant.numeric.integer') },
  ref('path'),
  ref('string'),
]);

const ioUring = region('io_uring', 'io-uring', [
  ...conditional(keys(IO_URING_CONDITIONALS), labelValue),
  ...permissions(keys(IO_URING_PERMS), 'io-uring'),
]);

const link = region('link', 'link', [
  { match: String.raw`${START}subset(?=\s)`, name: scope('storage.modifier.subset') },
  ref('path'),
  ref('string'),
  { match: '->', name: scope('keyword.operator.arrow') },
]);

/** What may follow the qualifiers: a keyword rule or the pieces of a file rule. */
const rule: Rule = {
  patterns: [
    capability, network, unix, dbus, signal, ptrace, mount, pivotRoot, changeProfile, rlimit,
    userns, mqueue, ioUring, link,
    { match: String.raw`${START}all(?=\s*(?:,|$))`, name: scope('keyword.other.all') },
    { match: String.raw`${START}file${STOP}`, name: scope('keyword.other.file') },
    { match: String.raw`${START}(?:safe|unsafe)(?=\s)`, name: scope('storage.modifier.exec') },
    ref('arrow-target'),
    ref('permissions'),
    ref('path'),
    ref('string'),
  ],
};

export const rules: Record<string, Rule> = { rule };

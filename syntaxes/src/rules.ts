/**
 * Repository entries for the rules of a profile body (apparmor.d(5)). Each
 * keyword rule is a region from its keyword to its comma, because rules span
 * lines (dbus rules often do) and words such as `send` or `raw` are keywords
 * only inside their rule, as in the reference lexer's modes.
 */
import type { RuleKind } from '../../server/src/service/ast';
import {
  CAPABILITIES, MOUNT_OPTIONS, MQUEUE_TYPES, NETWORK_FAMILIES, NETWORK_PROTOCOLS, NETWORK_TYPES, RLIMITS, RLIMIT_SIZE_UNITS,
  RLIMIT_TIME_UNITS, UNIX_ADDR_SPECIAL,
} from '../../server/src/service/data/facts';
import { keywordsOf, RULE_KINDS } from '../../server/src/service/data/ruleKinds';
import { DANGEROUS_CAPABILITIES, DANGEROUS_NETWORK_FAMILIES, DANGEROUS_NETWORK_TYPES } from './danger';
import { type Captures, type Rule, ref, scope, words } from './tm';
import { START, STOP, WORD } from './tokens';
import { anyValue, conditional, constants, labelValue, peer, permissions, signalValues } from './values';

const keys = (table: ReadonlyMap<string, unknown>): string[] => [...table.keys()];
/** A rule kind's permission words, from the table of rule kinds. */
const perms = (kind: RuleKind): string[] => keys(RULE_KINDS[kind].perms ?? new Map());
/** A rule kind's conditionals, from the table of rule kinds. */
const conds = (kind: RuleKind): readonly string[] => RULE_KINDS[kind].conds;
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

const capability = region(keywordsOf('capability').join('|'), 'capability',
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

const network = region(keywordsOf('network').join('|'), 'network', [
  peer([...addressConditionals, ...conditional(['label'], labelValue)]),
  ...addressConditionals,
  ...conditional(['label'], labelValue),
  ...conditional(without(conds('network'), ['peer', 'label', 'ip', 'port']), anyValue),
  ...permissions(perms('network'), 'network'),
  ...ranked(keys(NETWORK_FAMILIES), DANGEROUS_NETWORK_FAMILIES, 'constant.language.network.family'),
  ...ranked(keys(NETWORK_TYPES), DANGEROUS_NETWORK_TYPES, 'constant.language.network.type'),
  constants(keys(NETWORK_PROTOCOLS), 'constant.language.network.protocol'),
]);

const unixAddress = [constants(keys(UNIX_ADDR_SPECIAL), 'constant.language.unix.address'), ...anyValue];

const unix = region(keywordsOf('unix').join('|'), 'unix', [
  peer([...conditional(['addr'], unixAddress), ...conditional(['label'], labelValue)]),
  ...conditional(['type'], typeValues),
  ...conditional(['addr'], unixAddress),
  ...conditional(['label'], labelValue),
  ...conditional(without(conds('unix'), ['type', 'addr', 'label', 'peer']), anyValue),
  ...permissions(perms('unix'), 'unix'),
]);

const dbusValues = [ref('string'), ref('path'), ref('value')];

const dbus = region(keywordsOf('dbus').join('|'), 'dbus', [
  peer([...conditional(['name'], dbusValues), ...conditional(['label'], labelValue)]),
  ...conditional(without(conds('dbus'), ['peer', 'label']), dbusValues),
  ...permissions(perms('dbus'), 'dbus'),
]);

const signal = region(keywordsOf('signal').join('|'), 'signal', [
  ...conditional(['set'], signalValues()),
  ...conditional(['peer'], labelValue),
  ...permissions(perms('signal'), 'signal'),
]);

const ptrace = region(keywordsOf('ptrace').join('|'), 'ptrace', [
  ...conditional(['peer'], labelValue),
  ...permissions(perms('ptrace'), 'ptrace'),
]);

const mountOptions = [constants(keys(MOUNT_OPTIONS), 'constant.language.mount-option'), ...anyValue];

/** mount, remount, umount and unmount share one body: conditionals, source, `->`, mount point. */
const mount = region(keywordsOf('mount', 'remount', 'umount').join('|'), 'mount', [
  ...conditional(['options', 'option'], mountOptions),
  ...conditional(['fstype', 'vfstype'], anyValue),
  ref('path'),
  ref('string'),
  { match: '->', name: scope('keyword.operator.arrow') },
  ref('value'),
]);

const pivotRoot = region(keywordsOf('pivot_root').join('|'), 'pivot-root', [
  ...conditional(['oldroot'], [ref('path'), ...anyValue]),
  ref('arrow-target'),
  ref('path'),
  ref('string'),
]);

/** Everything after `->` in change_profile names a profile, paths included. */
const changeProfile = region(keywordsOf('change_profile').join('|'), 'change-profile', [
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

const rlimit = region(String.raw`(${keywordsOf('rlimit').join('|')})\s+(rlimit)`, 'rlimit', [
  constants(keys(RLIMITS), 'constant.language.rlimit'),
  { match: '<=', name: scope('keyword.operator.comparison') },
  { match: String.raw`${START}infinity${STOP}`, name: scope('constant.language.infinity') },
  {
    match: String.raw`(?<![^\s=])([+-]?[0-9]+)(${words([...keys(RLIMIT_SIZE_UNITS), ...keys(RLIMIT_TIME_UNITS)])})?(?![^\s,])`,
    captures: { 1: { name: scope('constant.numeric.integer') }, 2: { name: scope('keyword.other.unit') } },
  },
], { 1: { name: scope('keyword.other.set') }, 2: { name: scope('keyword.other.rlimit') } });

const userns = region(keywordsOf('userns').join('|'), 'userns', permissions(perms('userns'), 'userns'));

const mqueue = region(keywordsOf('mqueue').join('|'), 'mqueue', [
  ...conditional(['type'], [constants(keys(MQUEUE_TYPES), 'constant.language.mqueue.type'), ...anyValue]),
  ...conditional(without(conds('mqueue'), ['type']), labelValue),
  ...permissions(perms('mqueue'), 'mqueue'),
  { match: String.raw`${START}[0-9]+${STOP}`, name: scope('constant.numeric.integer') },
  ref('path'),
  ref('string'),
]);

const ioUring = region(keywordsOf('io_uring').join('|'), 'io-uring', [
  ...conditional(conds('io_uring'), labelValue),
  ...permissions(perms('io_uring'), 'io-uring'),
]);

const link = region(keywordsOf('link').join('|'), 'link', [
  { match: String.raw`${START}subset(?=\s)`, name: scope('storage.modifier.subset') },
  ref('path'),
  ref('string'),
  { match: '->', name: scope('keyword.operator.arrow') },
]);

/**
 * The grammar of each rule kind; named one by one, so a new kind in the table of rule
 * kinds is a compile error here until it has its region.
 */
const BY_KIND: { readonly [K in RuleKind]: Rule } = {
  capability, network, unix, dbus, signal, ptrace, mount, remount: mount, umount: mount, pivot_root: pivotRoot,
  change_profile: changeProfile, rlimit, userns, mqueue, io_uring: ioUring, link,
  all: { match: String.raw`${START}${keywordsOf('all').join('|')}(?=\s*(?:,|$))`, name: scope('keyword.other.all') },
  file: { match: String.raw`${START}${keywordsOf('file').join('|')}${STOP}`, name: scope('keyword.other.file') },
};

/** What may follow the qualifiers: a keyword rule or the pieces of a file rule. */
const rule: Rule = {
  patterns: [
    ...new Set(Object.values(BY_KIND)),
    { match: String.raw`${START}(?:safe|unsafe)(?=\s)`, name: scope('storage.modifier.exec') },
    ref('arrow-target'),
    ref('permissions'),
    ref('path'),
    ref('string'),
  ],
};

export const rules: Record<string, Rule> = { rule };

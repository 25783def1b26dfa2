/**
 * Repository entries for profiles, hats and child profiles (header, flags,
 * xattrs, identities), rule qualifiers and `{ … }` blocks (apparmor.d(5)).
 */
import { ERRNO_NAMES, PROFILE_FLAGS } from '../../server/src/service/data/facts';
import { DANGEROUS_FLAGS } from './danger';
import { type Rule, ref, scope, words } from './tm';
import { HEADER_END, LIST_END, NAME, START, STOP, VALUE } from './tokens';
import { constants, signalValues } from './values';

const headerContents = (): Rule[] => [
  ref('comment'),
  ref('xattrs'),
  ref('identities'),
  ref('flags'),
  ref('path'),
  ref('string'),
];

function header(begin: string, keyword: string, kind: 'profile' | 'hat'): Rule {
  return {
    begin,
    beginCaptures: {
      1: { name: scope(keyword) },
      2: { name: scope(`entity.name.function.${kind}`), patterns: [ref('profile-reference'), ref('glob')] },
    },
    // The body's `{` is left to the block pattern, so one block rule serves
    // profiles, hats, qualifier blocks and `if` alike.
    end: HEADER_END,
    name: scope(`meta.${kind}.header`),
    patterns: headerContents(),
  };
}

/**
 * A header without a keyword starts with a path, a variable or a namespace; it
 * is told from a file rule by the ` {` that ends it on the same line.
 */
const HEADER_TAIL = String.raw`(?=(?:\s+[^\s#{]\S*)*?\s+\{(?:\s|$))`;

const profileHeader: Rule = {
  patterns: [
    header(String.raw`${START}(profile)(?:\s+(${NAME}))?(?=\s|$)`, 'storage.type.profile', 'profile'),
    header(String.raw`${START}(hat)(?:\s+(${NAME}))?(?=\s|$)`, 'storage.type.hat', 'hat'),
    header(String.raw`${START}(\^)(${NAME})`, 'punctuation.definition.hat', 'hat'),
    header(String.raw`(?<!\S)()(?=[/@:"])(${NAME})${HEADER_TAIL}`, 'storage.type.profile', 'profile'),
  ],
};

/** `name=VALUE` flags take a signal, an errno name or a path after the `=`. */
function valueFlag(kind: 'signal' | 'errno' | 'path'): Rule | undefined {
  const names = [...PROFILE_FLAGS.values()].filter((f) => f.value === kind).map((f) => f.name);
  if (names.length === 0) return undefined;
  const values: Record<typeof kind, Rule[]> = {
    signal: signalValues(),
    errno: [constants([...ERRNO_NAMES.keys()], 'constant.language.errno', true), ref('value')],
    path: [ref('path'), ref('string'), ref('value')],
  };
  return {
    match: String.raw`(?<![^\s,(])(${words(names)})\s*(=)\s*(${VALUE})`,
    captures: {
      1: { name: scope('constant.language.flag') },
      2: { name: scope('keyword.operator.assignment') },
      3: { patterns: values[kind] },
    },
  };
}

function flagPatterns(): Rule[] {
  const plain = [...PROFILE_FLAGS.keys()].filter((f) => !DANGEROUS_FLAGS.includes(f));
  const valued = (['signal', 'errno', 'path'] as const).map(valueFlag).filter((r): r is Rule => r !== undefined);
  return [
    ref('comment'),
    ...valued,
    constants(DANGEROUS_FLAGS, 'constant.language.flag.dangerous'),
    constants(plain, 'constant.language.flag'),
    { match: ',', name: scope('punctuation.separator.list') },
  ];
}

/** A parenthesised group after `KEYWORD=` (the keyword optional for flags). */
function group(lead: string, meta: string, patterns: Rule[]): Rule {
  return {
    begin: String.raw`${lead}(\()`,
    beginCaptures: {
      1: { name: scope(`keyword.other.${meta}`) },
      2: { name: scope('keyword.operator.assignment') },
      3: { name: scope('punctuation.section.parens.begin') },
    },
    end: LIST_END,
    endCaptures: { 0: { name: scope('punctuation.section.parens.end') } },
    name: scope(`meta.${meta}`),
    patterns,
  };
}

const flags = group(String.raw`(?:(flags)\s*(=)\s*)?`, 'flags', flagPatterns());

const xattrs = group(String.raw`(xattrs)\s*(=)\s*`, 'xattrs', [
  ref('comment'),
  {
    match: String.raw`([^\s=()"#]+)\s*(=)\s*(${VALUE})?`,
    captures: {
      1: { name: scope('entity.other.attribute-name.xattr') },
      2: { name: scope('keyword.operator.assignment') },
      3: { patterns: [ref('string'), ref('value')] },
    },
  },
]);

const identities: Rule = {
  begin: String.raw`(\+)\s*(identities)\s*(=)\s*(\()`,
  beginCaptures: {
    1: { name: scope('keyword.operator.identities') },
    2: { name: scope('keyword.other.identities') },
    3: { name: scope('keyword.operator.assignment') },
    4: { name: scope('punctuation.section.parens.begin') },
  },
  end: LIST_END,
  endCaptures: { 0: { name: scope('punctuation.section.parens.end') } },
  name: scope('meta.identities'),
  patterns: [ref('comment'), ref('string'), ref('value'), { match: ',', name: scope('punctuation.separator.list') }],
};

const modifier = (word: string): Rule => ({
  match: String.raw`${START}${word}(?=\s|$)`,
  name: scope(`storage.modifier.${word}`),
});

const owners = ['owner', 'user', 'other'].map(modifier);

/** Rule prefixes, in the order the parser requires: priority, audit, allow|deny|prompt, owner|user|other. */
const qualifiers: Rule = {
  patterns: [
    {
      match: String.raw`${START}(priority)\s*(=)\s*([+-]?[0-9]+)${STOP}`,
      captures: {
        1: { name: scope('storage.modifier.priority') },
        2: { name: scope('keyword.operator.assignment') },
        3: { name: scope('constant.numeric.integer') },
      },
    },
    ...['audit', 'allow', 'prompt'].map(modifier),
    ...owners,
    // Deny rules and `deny { … }` blocks (4.0) are regions, so that themes can
    // tone down what they deny (`meta.rule.deny … dangerous`).
    {
      begin: String.raw`${START}(deny)(?:\s+(owner|user|other))?\s*(\{)`,
      beginCaptures: {
        1: { name: scope('storage.modifier.deny') },
        2: { patterns: owners },
        3: { name: scope('punctuation.section.block.begin') },
      },
      end: String.raw`\}`,
      endCaptures: { 0: { name: scope('punctuation.section.block.end') } },
      name: scope('meta.rule.deny'),
      contentName: scope('meta.block'),
      patterns: [ref('block-statements')],
    },
    {
      begin: String.raw`${START}(deny)(?=\s|$)`,
      beginCaptures: { 1: { name: scope('storage.modifier.deny') } },
      // A rule region inside has already eaten the comma when this end is tried.
      end: String.raw`(,)|(?<=,)|(?=\})`,
      endCaptures: { 1: { name: scope('punctuation.terminator.rule') } },
      name: scope('meta.rule.deny'),
      patterns: [ref('qualifiers'), ref('rule')],
    },
  ],
};

const block: Rule = {
  begin: String.raw`\{`,
  beginCaptures: { 0: { name: scope('punctuation.section.block.begin') } },
  end: String.raw`\}`,
  endCaptures: { 0: { name: scope('punctuation.section.block.end') } },
  name: scope('meta.block'),
  patterns: [ref('block-statements')],
};

export const profiles: Record<string, Rule> = {
  'profile-header': profileHeader,
  flags,
  xattrs,
  identities,
  qualifiers,
  block,
};


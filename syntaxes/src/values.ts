/**
 * Builders for the vocabulary inside rules: named constants, permission words,
 * `name=value` conditionals and their parenthesised lists.
 */
import { SIGNALS } from '../../server/src/service/data/facts';
import { type Rule, ref, scope, words } from './tm';
import { LIST_END, START, STOP, VALUE } from './tokens';

/**
 * Known words, whole: the lookarounds let them sit after `=` or `(` and
 * before `,` or `)`, as they do in lists and `name=value` pairs.
 */
export function constants(names: Iterable<string>, name: string, ignoreCase = false): Rule {
  const alternation = words(names);
  return {
    match: String.raw`(?<![^\s,(=])${ignoreCase ? `(?i:${alternation})` : alternation}(?![^\s,)])`,
    name: scope(name),
  };
}

/** Signal names, including the realtime ones rtmin+0 … rtmin+32. */
export function signalValues(): Rule[] {
  return [
    constants(SIGNALS.keys(), 'constant.language.signal'),
    {
      match: String.raw`(?<![^\s,(=])rtmin\+(?:3[0-2]|[12]?[0-9])(?![^\s,)])`,
      name: scope('constant.language.signal.realtime'),
    },
    ref('string'),
    ref('value'),
  ];
}

/** A rule's permission words, alone or in a `( … )` list. */
export function permissions(names: Iterable<string>, kind: string): Rule[] {
  const word: Rule = {
    match: String.raw`${START}${words(names)}${STOP}`,
    name: scope(`constant.other.permission.${kind}`),
  };
  const list: Rule = {
    begin: String.raw`\(`,
    beginCaptures: { 0: { name: scope('punctuation.section.parens.begin') } },
    end: LIST_END,
    endCaptures: { 0: { name: scope('punctuation.section.parens.end') } },
    name: scope('meta.permissions'),
    patterns: [ref('comment'), word, { match: ',', name: scope('punctuation.separator.list') }],
  };
  return [list, word];
}

const operator: Rule = {
  patterns: [
    { match: 'in', name: scope('keyword.operator.word') },
    { match: ':?=', name: scope('keyword.operator.assignment') },
  ],
};

/**
 * `NAME=VALUE` and `NAME=(VALUE …)` for the given names (mount also allows
 * `NAME in (…)`, and 5.0 network `label:=`). The values are scoped by
 * `values`, which should end in a catch-all such as `#value`.
 */
export function conditional(names: readonly string[], values: readonly Rule[]): Rule[] {
  const lead = String.raw`${START}(${words(names)})\s*(:?=|(?<=\s)in(?=[\s(]))\s*`;
  const captures = {
    1: { name: scope('variable.parameter.conditional') },
    2: { patterns: [operator] },
  };
  return [
    {
      begin: String.raw`${lead}(\()`,
      beginCaptures: { ...captures, 3: { name: scope('punctuation.section.parens.begin') } },
      end: LIST_END,
      endCaptures: { 0: { name: scope('punctuation.section.parens.end') } },
      name: scope('meta.conditional.list'),
      patterns: [ref('comment'), ...values, { match: ',', name: scope('punctuation.separator.list') }],
    },
    { match: `${lead}(${VALUE})`, captures: { ...captures, 3: { patterns: values } } },
  ];
}

/** `peer=( … )`: the conditionals that describe the other end. */
export function peer(inner: readonly Rule[]): Rule {
  return {
    begin: String.raw`${START}(peer)\s*(=)\s*(\()`,
    beginCaptures: {
      1: { name: scope('variable.parameter.conditional') },
      2: { name: scope('keyword.operator.assignment') },
      3: { name: scope('punctuation.section.parens.begin') },
    },
    end: LIST_END,
    endCaptures: { 0: { name: scope('punctuation.section.parens.end') } },
    name: scope('meta.conditional.peer'),
    patterns: [ref('comment'), ...inner, { match: ',', name: scope('punctuation.separator.list') }],
  };
}

/** Values with no vocabulary of their own: strings, paths, names. */
export const anyValue: readonly Rule[] = [ref('string'), ref('value')];

/** Values of `peer=` and `label=`, which name profiles. */
export const labelValue: readonly Rule[] = [ref('string'), ref('label')];

/**
 * Repository entries for what may stand outside a rule: include directives,
 * abi, alias, variable assignments and `if` conditions (apparmor.d(5)).
 */
import { type Rule, ref, scope } from './tm';
import { HEADER_END, QUOTED, START, STOP, VAR_NAME } from './tokens';

/**
 * `<name>` or `"name"` (and, for includes, a bare name), scoped as a string
 * with its delimiters; `first` is the number of its first capture group.
 */
function fileName(first: number, kind: string, bare: boolean): { regex: string; captures: Record<number, { name: string }> } {
  const n = (i: number): number => first + i;
  const captures: Record<number, { name: string }> = {
    [n(0)]: { name: scope(`string.quoted.other.lt-gt.${kind}`) },
    [n(1)]: { name: scope('punctuation.definition.string.begin') },
    [n(2)]: { name: scope('punctuation.definition.string.end') },
    [n(3)]: { name: scope(`string.quoted.double.${kind}`) },
  };
  if (bare) captures[n(4)] = { name: scope(`string.unquoted.${kind}`) };
  return {
    regex: String.raw`(?:((<)[^>\n]*(>))|(${QUOTED})${bare ? String.raw`|([^\s"<]\S*)` : ''})`,
    captures,
  };
}

const includeTarget = fileName(5, 'include', true);
const include: Rule = {
  // `#include` needs no blank before its file name; `include` does (parser/parser_lex.l).
  // The file name ends the directive; a comma after it is a syntax error.
  match: String.raw`${START}(?:(#include)\s*|(include)\s+)(?:(if)\s+(exists)\s*)?${includeTarget.regex}(?:\s*(,))?`,
  name: scope('meta.preprocessor.include'),
  captures: {
    1: { name: scope('keyword.control.directive.include') },
    2: { name: scope('keyword.control.directive.include') },
    3: { name: scope('keyword.control.directive.conditional') },
    4: { name: scope('keyword.control.directive.conditional') },
    ...includeTarget.captures,
    10: { name: scope('invalid.illegal.comma') },
  },
};

const abiTarget = fileName(2, 'abi', false);
const abi: Rule = {
  match: String.raw`${START}(abi)\s*${abiTarget.regex}`,
  name: scope('meta.abi'),
  captures: { 1: { name: scope('keyword.other.abi') }, ...abiTarget.captures },
};

const alias: Rule = {
  begin: String.raw`${START}(alias|rewrite)${STOP}`,
  beginCaptures: { 1: { name: scope('keyword.other.alias') } },
  end: String.raw`(,)|(?=\})`,
  endCaptures: { 1: { name: scope('punctuation.terminator.rule') } },
  name: scope('meta.alias'),
  patterns: [ref('comment'), ref('path'), ref('string'), { match: '->', name: scope('keyword.operator.arrow') }],
};

const continuation: Rule = { match: String.raw`\\$`, name: scope('punctuation.separator.continuation') };

/**
 * Assignment values run to the end of the line, unless it ends in a backslash
 * (parser/parser_lex.l). The engine appends a newline to each line and `$` also
 * matches after it, so both places are checked for the backslash.
 */
const END_OF_VALUES = String.raw`(?<!\\)(?<!\\\n)$`;

/**
 * `=` and `+=` may touch the variable; `?=` and `:=` (5.0) must not, because
 * `@{V}:=x` is one path word to the lexer (parser/parser_lex.l).
 */
const ASSIGN = String.raw`\s*(\+=|=|(?<=\s)(?:\?=|:=))`;

const setValues: Rule[] = [
  ref('comment'),
  continuation,
  // "Variable declarations do not accept trailing commas": a bare comma is never part of a value.
  { match: ',', name: scope('invalid.illegal.comma') },
  ref('string'),
  ref('path'),
  ref('value'),
];

const booleanValues: Rule[] = [
  ref('comment'),
  continuation,
  { match: String.raw`(?<![^\s(])(?i:true|false)(?![^\s)])`, name: scope('constant.language.boolean') },
  ref('expression'),
];

/** A set (`@{V}`) or boolean (`${B}`) assignment, its variable scoped `lhs`. */
function assignmentOf(kind: 'set' | 'boolean', lhs: string): Rule {
  const sigil = kind === 'set' ? '@' : String.raw`\$`;
  return {
    begin: String.raw`^\s*(${sigil}\{${VAR_NAME}\}|${sigil}${VAR_NAME})${ASSIGN}`,
    beginCaptures: {
      1: { name: scope(lhs), patterns: [ref(kind === 'set' ? 'variable' : 'boolean-variable')] },
      2: { name: scope('keyword.operator.assignment') },
    },
    end: END_OF_VALUES,
    name: scope(`meta.assignment.${kind === 'set' ? 'variable' : 'boolean'}`),
    patterns: kind === 'set' ? setValues : booleanValues,
  };
}

/** Assignments and aliases belong before the first profile; inside one they are syntax errors. */
const misplaced: Rule = {
  patterns: [
    assignmentOf('set', 'invalid.illegal.assignment-in-profile'),
    assignmentOf('boolean', 'invalid.illegal.assignment-in-profile'),
    { match: String.raw`${START}(?:alias|rewrite)${STOP}`, name: scope('invalid.illegal.alias-in-profile') },
  ],
};

/** The condition of an `if`: 2.x `not`/`defined`, and 5.0 `and`/`or`/comparisons/parentheses. */
const expression: Rule = {
  patterns: [
    ref('comment'),
    { match: String.raw`(?<![^\s(])(?:not|and|or)(?![^\s()])`, name: scope('keyword.operator.logical') },
    { match: String.raw`(?<![^\s(])(?:defined|in)(?![^\s()])`, name: scope('keyword.operator.word') },
    { match: '==|!=|>=|<=|>|<', name: scope('keyword.operator.comparison') },
    { match: String.raw`\(`, name: scope('punctuation.section.parens.begin') },
    { match: String.raw`\)`, name: scope('punctuation.section.parens.end') },
    ref('boolean-variable'),
    { match: String.raw`@\{${VAR_NAME}\}(?=[\s()]|$)`, captures: { 0: { patterns: [ref('variable')] } } },
    ref('string'),
    { match: String.raw`(?<![^\s(])[+-]?[0-9]+(?![^\s()])`, name: scope('constant.numeric.integer') },
    {
      match: String.raw`(?<![^\s(])[^\s()"!<>=#]+`,
      name: scope('string.unquoted.value'),
      captures: { 0: { patterns: [ref('variable'), ref('escape'), ref('glob')] } },
    },
  ],
};

const conditional: Rule = {
  patterns: [
    {
      begin: String.raw`${START}(if)(?=[\s(])`,
      beginCaptures: { 1: { name: scope('keyword.control.conditional.if') } },
      end: HEADER_END,
      name: scope('meta.conditional.if'),
      patterns: [ref('expression')],
    },
    { match: String.raw`${START}else(?![^\s{])`, name: scope('keyword.control.conditional.else') },
  ],
};

export const preamble: Record<string, Rule> = {
  include,
  abi,
  alias,
  assignment: assignmentOf('set', 'variable.other.set.definition'),
  'boolean-assignment': assignmentOf('boolean', 'variable.other.boolean.definition'),
  'misplaced-preamble': misplaced,
  expression,
  conditional,
};

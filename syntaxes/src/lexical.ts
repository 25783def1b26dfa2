/**
 * Repository entries for the lexical layer: comments, strings, variables,
 * globs, paths, values, permission strings and profile references.
 */
import { type Rule, ref, scope } from './tm';
import { PATH, PERMS, VALUE_WORD, VAR_NAME } from './tokens';

const comment: Rule = {
  // `#` starts a comment only where a token may start: inside a path it is a
  // character, and `#include` is a directive (parser/parser_lex.l).
  begin: String.raw`(?<![^\s,{}()])#(?!include\b)`,
  beginCaptures: { 0: { name: scope('punctuation.definition.comment') } },
  end: '$',
  name: scope('comment.line.number-sign'),
};

const escape: Rule = {
  match: String.raw`\\(?:[0-7]{1,3}|d[0-9]{1,3}|x[0-9A-Fa-f]{2}|.)`,
  name: scope('constant.character.escape'),
};

const variable: Rule = {
  match: String.raw`(@)(\{)(${VAR_NAME})(\})`,
  name: scope('variable.other.set'),
  captures: {
    1: { name: scope('punctuation.definition.variable') },
    2: { name: scope('punctuation.definition.variable.begin') },
    4: { name: scope('punctuation.definition.variable.end') },
  },
};

const booleanVariable: Rule = {
  match: String.raw`(\$)(?:(\{)(${VAR_NAME})(\})|(${VAR_NAME}))`,
  name: scope('variable.other.boolean'),
  captures: {
    1: { name: scope('punctuation.definition.variable') },
    2: { name: scope('punctuation.definition.variable.begin') },
    4: { name: scope('punctuation.definition.variable.end') },
  },
};

const string: Rule = {
  begin: '"',
  // The parser lets a string run on over lines, but a quote being typed must
  // not turn the rest of the file into a string, so strings end with the line.
  end: '"|$',
  name: scope('string.quoted.double'),
  beginCaptures: { 0: { name: scope('punctuation.definition.string.begin') } },
  endCaptures: { 0: { name: scope('punctuation.definition.string.end') } },
  // Quoting only protects blanks: globs and variables keep their meaning inside.
  patterns: [ref('escape'), ref('variable'), ref('glob')],
};

/** Glob operators (Globbing in apparmor.d(5)), scoped inside paths and values. */
const glob: Rule = {
  patterns: [
    { match: String.raw`\*\*?|\?`, name: scope('keyword.operator.glob.wildcard') },
    { match: String.raw`\[\^?(?:[^\]\\]|\\.)*\]`, name: scope('constant.other.character-class.set') },
    {
      // A region, so that only commas inside braces are separators; it also
      // stops at a quote or the line end, in case the `}` is missing.
      begin: String.raw`\{`,
      beginCaptures: { 0: { name: scope('punctuation.definition.alternation.begin') } },
      end: String.raw`\}|(?=")|$`,
      endCaptures: { 0: { name: scope('punctuation.definition.alternation.end') } },
      patterns: [
        ref('variable'),
        ref('escape'),
        ref('glob'),
        { match: ',', name: scope('punctuation.separator.alternation') },
      ],
    },
  ],
};

const insideWord: Rule[] = [ref('variable'), ref('escape'), ref('glob')];

const path: Rule = {
  match: String.raw`(?<![^\s,{}()>=])${PATH}`,
  name: scope('string.unquoted.path'),
  captures: { 0: { patterns: insideWord } },
};

/** An unquoted conditional value or similar word (labels, bus names, fstypes …). */
const value: Rule = {
  // After `=` too: values are re-read on their own inside `name=value` matches.
  match: String.raw`(?<![^\s,{}()=])${VALUE_WORD}`,
  name: scope('string.unquoted.value'),
  captures: { 0: { patterns: insideWord } },
};

/** A profile label as a conditional's value (`peer=`, `label=`): a reference to a profile. */
const label: Rule = {
  match: String.raw`(?<![^\s,{}()=])${VALUE_WORD}`,
  name: scope('entity.name.function.label'),
  captures: { 0: { patterns: [ref('profile-reference'), ref('glob')] } },
};

const fileRuleName = (kind: string): string => scope(`constant.other.permission.${kind}`);

/**
 * A file permission string. The whole string is marked when it grants both
 * write (or append) and exec, and unconfined exec transitions are marked
 * inside it, so themes can flag both.
 */
const permissions: Rule = {
  patterns: [
    {
      match: String.raw`(?<![^\s,])(?=[A-Za-z]*[WwAa])(?=[A-Za-z]*[Xx])${PERMS}`,
      name: fileRuleName('write-exec.dangerous'),
      captures: { 0: { patterns: [ref('exec-mode')] } },
    },
    {
      match: String.raw`(?<![^\s,])${PERMS}`,
      name: fileRuleName('file'),
      captures: { 0: { patterns: [ref('exec-mode')] } },
    },
  ],
};

const execMode: Rule = {
  patterns: [
    { match: '[PpCc]?[Uu][Xx]', name: fileRuleName('exec.unconfined.dangerous') },
    { match: '(?:[PpCc][Ii]?|[Ii])[Xx]|[Xx]', name: fileRuleName('exec') },
  ],
};

/** The parts of a profile reference: `:ns:`, `&` stacking, `//` children, variables. */
const profileReference: Rule = {
  patterns: [
    {
      match: String.raw`(?<![^\s&])(:)([^:\s]*)(:)`,
      captures: {
        1: { name: scope('punctuation.definition.namespace.begin') },
        2: { name: scope('entity.name.namespace') },
        3: { name: scope('punctuation.definition.namespace.end') },
      },
    },
    { match: '&', name: scope('keyword.operator.stack') },
    { match: '//', name: scope('punctuation.separator.child') },
    ref('variable'),
    ref('escape'),
  ],
};

/** `-> TARGET` naming a profile: anything but a path, which the path pattern takes. */
const arrowTarget: Rule = {
  patterns: [
    {
      match: String.raw`(->)\s*(?=[^\s,"/@])(${VALUE_WORD})`,
      captures: {
        1: { name: scope('keyword.operator.arrow') },
        2: { name: scope('entity.name.function.target'), patterns: [ref('profile-reference')] },
      },
    },
    { match: '->', name: scope('keyword.operator.arrow') },
  ],
};

/** `!` is never allowed outside quotes: "Lexer found unexpected character: '!'". */
const bang: Rule = { match: '!', name: scope('invalid.illegal.character') };

/** Ends a rule; several rules may share a line. */
const terminator: Rule = { match: ',', name: scope('punctuation.terminator.rule') };

export const lexical: Record<string, Rule> = {
  comment,
  escape,
  variable,
  'boolean-variable': booleanVariable,
  string,
  glob,
  path,
  value,
  label,
  permissions,
  'exec-mode': execMode,
  'profile-reference': profileReference,
  'arrow-target': arrowTarget,
  terminator,
  bang,
};

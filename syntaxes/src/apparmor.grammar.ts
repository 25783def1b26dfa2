/**
 * The AppArmor TextMate grammar (scope `source.apparmor`), assembled from its
 * parts; scripts/build-grammar.mjs writes it out as syntaxes/apparmor.tmLanguage.json.
 */
import { lexical } from './lexical';
import { preamble } from './preamble';
import { profiles } from './profiles';
import { rules } from './rules';
import { type Grammar, type Rule, ref, scope } from './tm';

/**
 * Everything that may stand at the top of a file or in a block. Abstractions
 * are bare rules at the top of their file, so the two places share one list.
 */
const statements: Rule = {
  patterns: [
    ref('comment'),
    ref('include'),
    ref('abi'),
    ref('conditional'),
    ref('profile-header'),
    ref('qualifiers'),
    ref('rule'),
    ref('block'),
    ref('terminator'),
    // Nothing else may start a rule; a word that gets here is an error the parser reports too.
    { match: String.raw`(?<![^\s,{}])[^\s,{}"]+`, name: scope('invalid.illegal.unknown') },
    ref('bang'),
  ],
};

/** The preamble's own statements come first at the top of a file, and are errors in a block. */
const top: Rule[] = [ref('assignment'), ref('boolean-assignment'), ref('alias'), ref('statements')];
const block: Rule[] = [ref('misplaced-preamble'), ref('statements')];

export const grammar: Grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'AppArmor',
  scopeName: 'source.apparmor',
  fileTypes: ['apparmor'],
  patterns: [...top, { match: String.raw`\}`, name: scope('invalid.illegal.stray-brace') }],
  repository: { statements, 'block-statements': { patterns: block }, ...lexical, ...preamble, ...profiles, ...rules },
};

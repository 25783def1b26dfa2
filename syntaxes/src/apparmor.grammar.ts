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
    ref('assignment'),
    ref('boolean-assignment'),
    ref('alias'),
    ref('conditional'),
    ref('profile-header'),
    ref('qualifiers'),
    ref('rule'),
    ref('block'),
    ref('terminator'),
    // Nothing else may start a rule; a word that gets here is an error the parser reports too.
    { match: String.raw`(?<![^\s,{}])[^\s,{}"]+`, name: scope('invalid.illegal.unknown') },
  ],
};

export const grammar: Grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'AppArmor',
  scopeName: 'source.apparmor',
  fileTypes: ['apparmor'],
  patterns: [
    ref('statements'),
    { match: String.raw`\}`, name: scope('invalid.illegal.stray-brace') },
  ],
  repository: { statements, ...lexical, ...preamble, ...profiles, ...rules },
};

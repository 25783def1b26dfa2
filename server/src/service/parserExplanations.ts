/**
 * apparmor_parser's own messages in plain words. Its grammar errors name bison tokens
 * (`unexpected TOK_ID, expecting TOK_MODE`) and lexer states (`in state: MOUNT_MODE`);
 * a person needs the construct and the usual cause.
 */

const TOKENS: Readonly<Record<string, string>> = {
  TOK_ID: 'a word (a name or a path)',
  TOK_MODE: 'file permissions (such as r, rw or ix)',
  TOK_END_OF_RULE: "the ',' that ends a rule",
  TOK_OPEN: "'{'",
  TOK_CLOSE: "'}'",
  TOK_OPENPAREN: "'('",
  TOK_CLOSEPAREN: "')'",
  TOK_SET_VAR: 'a variable @{…}',
  TOK_BOOL_VAR: 'a boolean variable ${…}',
  TOK_EQUALS: "'='",
  TOK_ADD_ASSIGN: "'+='",
  TOK_ARROW: "'->'",
  TOK_CONDID: 'a conditional such as name=value',
  TOK_CONDLISTID: 'a conditional list such as peer=(…)',
  TOK_CARET: "'^'",
  TOK_VALUE: 'a value',
  TOK_NOT: "'not'",
  TOK_DEFINED: "'defined'",
  TOK_LE: "'<='",
  'end of file': 'the end of the file',
  $end: 'the end of the file',
};

/** Token names with a known cause, checked before the word-by-word reading. */
const CAUSES: readonly [RegExp, string][] = [
  [/unexpected TOK_ID, expecting TOK_MODE\b/, 'A file rule needs permissions after its path, and the word found there is none: check the permission letters (r w a l k m x, with ix px cx ux), or whether a comma is missing on the line before.'],
  [/unexpected TOK_ID, expecting TOK_END_OF_RULE\b/, "A rule goes on where it should end: most often its trailing ',' is missing (the parser then reports the line of the next rule), or a word is misplaced."],
  [/unexpected TOK_MODE, expecting TOK_END_OF_RULE\b/, "Two sets of permissions in one rule: most often the ',' after the rule before is missing."],
  [/unexpected TOK_END_OF_RULE, expecting TOK_MODE\b/, "The rule ends before its permissions: a file rule needs permissions such as r or rw before the ','."],
  [/unexpected (?:TOK_MODE|TOK_ID), expecting TOK_OPEN\b/, "A profile or hat header must be followed by '{': check the name (put one with spaces in double quotes) and the flags=(…) before the brace."],
  [/unexpected TOK_CLOSE, expecting (?:end of file|\$end)/, "This '}' closes nothing: a block was closed twice, or its '{' is missing."],
  [/unexpected (?:end of file|\$end)/, "The file ends inside a block: a '}' is missing (or a rule's ',' before the end)."],
  [/unexpected TOK_(?:AUDIT|OWNER|DENY|ALLOW), expecting/, 'Qualifiers must come in the order priority=N, audit, allow/deny, owner.'],
];

const STATES: Readonly<Record<string, string>> = {
  INITIAL: 'outside any rule',
  SUB_ID: 'in a profile or hat name',
  SUB_ID_WS: 'after a profile or hat name',
  SUB_VALUE: 'in a value',
  ASSIGN_MODE: "in a variable's values",
  INCLUDE: "in an include's file name",
  INCLUDE_EXISTS: "in an include's file name",
  ABI_MODE: "in an abi line's name",
  EXTCOND_MODE: 'in a conditional (name=value)',
  EXTCONDLIST_MODE: 'in a conditional list (name=(…))',
  LIST_VAL_MODE: 'in a list of values',
  LIST_COND_MODE: 'in a list of conditionals',
  LIST_COND_VAL: 'in a value of a conditional list',
  LIST_COND_PAREN_VAL: 'in a value in parentheses',
  NETWORK_MODE: 'in a network rule',
  RLIMIT_MODE: 'in an rlimit rule',
  MOUNT_MODE: 'in a mount rule',
  DBUS_MODE: 'in a dbus rule',
  SIGNAL_MODE: 'in a signal rule',
  PTRACE_MODE: 'in a ptrace rule',
  UNIX_MODE: 'in a unix rule',
  CHANGE_PROFILE_MODE: 'in a change_profile rule',
  USERNS_MODE: 'in a userns rule',
  MQUEUE_MODE: 'in an mqueue rule',
  IOURING_MODE: 'in an io_uring rule',
};

/** The usual cause of a stray character in a state, where there is one. */
const STATE_HINTS: Readonly<Record<string, string>> = {
  MOUNT_MODE: "Mount options go in options=(…) or after -o, and the mount point after '->'; often the ',' that ends this rule or the one before is missing.",
  SUB_ID: 'Put a name with spaces or other special characters in double quotes.',
  INITIAL: "Only includes, variables, abi, alias and profiles stand outside a profile; a '}' may have closed the profile too early.",
};

const OTHERS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Lexer found unexpected character: '(.*)' \(0x([0-9a-f]+)\) in state: (\w+)/i, (m) => {
    const where = STATES[m[3]!] ?? `in lexer state ${m[3]}`;
    const hint = STATE_HINTS[m[3]!];
    return `The character ${visible(m[1]!, m[2]!)} cannot stand here, ${where}.${hint ? ` ${hint}` : ''}`;
  }],
  [/^Found unexpected character: '(.*)'/, (m) => `The character '${m[1]}' cannot stand here; put a word that holds it in double quotes.`],
  [/^Found reference to variable (\w+), but is never declared/, (m) => `@{${m[1]}} is used but defined nowhere the parser looked: define it, or include the tunables file that does (usually tunables/global), with -I pointing at its folder.`],
  [/^Invalid capability (.*?)\.?$/, (m) => `'${m[1]}' is not a capability this apparmor_parser knows: names are lowercase, without CAP_ (net_admin, not CAP_NET_ADMIN), and newer ones need a newer parser.`],
  [/^Could not open '(.*?)'/, (m) => `The include '${m[1]}' is not in any include folder (-I) nor relative to the base folder (-b): check its name, or make it 'include if exists'.`],
  [/^Invalid profile flag: (.*?)\.?$/, (m) => `'${m[1]}' is not a profile flag this apparmor_parser knows (it may be newer than this parser).`],
  [/^missing an end of line character\? \(entry: (.*)\)/, (m) => `The rule for '${m[1]}' is missing its trailing ',': the parser noticed only at the rule after it.`],
  [/^Profile attachment must begin with/, () => "The word after a profile's name is its attachment, the program it confines: it must be an absolute path or a variable. Put a name with spaces in double quotes."],
  [/^Invalid (?:mode|perms), 'x' must be preceded by exec qualifier/, () => "A bare 'x' needs a transition: ix, px, cx, ux (or pix, cix …); only deny rules take a plain x."],
  [/^Invalid network entry/, () => 'A word in this network rule is not a family, socket type or protocol this parser knows, or they are in the wrong order (family, then type or protocol).'],
  [/^Conflict 'a' and 'w' perms are mutually exclusive/, () => "'w' already allows appending: keep 'w' or 'a', not both."],
  [/^variable @\{(\w+)\} was previously declared/, (m) => `@{${m[1]}} is defined twice: use += to add values to it.`],
  [/^variable @\{(\w+)\} was not previously declared, but is being assigned/, (m) => `@{${m[1]}} += adds to a variable that is not defined yet: define it with = first.`],
  [/^Variable declarations do not accept trailing commas/, () => "A variable's values end without a ','; remove it."],
  [/^Profile flag '(.*?)' conflicts with '(.*?)'/, (m) => `A profile is in one mode only: drop '${m[1]}' or '${m[2]}'.`],
  [/^Profile names must begin with/, () => "A profile without the keyword 'profile' must be named by an absolute path: write profile NAME { … }."],
  [/conflicting x modifiers|has merged rule .* with conflicting x modifiers/i, () => 'Two rules (possibly one in an include) give the same program different exec transitions: keep one.'],
  [/^(\w+) (?:prefix|conditional) not allowed/, (m) => `'${m[1]}' cannot qualify this kind of rule${m[1] === 'owner' ? ': only file rules match an owner' : ''}.`],
  [/^unknown signal "(.*?)"/, (m) => `'${m[1]}' is not a signal name this parser knows (names are lowercase without SIG: hup, term, rtmin+0 …).`],
];

function visible(ch: string, hex: string): string {
  const code = parseInt(hex, 16);
  if (code === 0x20) return 'a space';
  if (code === 0x09) return 'a tab';
  if (code < 0x20 || code === 0x7f) return `a control character (0x${hex})`;
  if (code > 0x7f) return `the byte 0x${hex} (part of a non-ASCII character: only ASCII stands outside quotes)`;
  return `'${ch}'`;
}

function words(token: string): string {
  return TOKENS[token] ?? (token.startsWith('TOK_') ? `'${token.slice(4).toLowerCase()}'` : token);
}

/** A plain sentence for an apparmor_parser message, or undefined for one that reads well as it is. */
export function explainParserMessage(message: string): string | undefined {
  for (const [re, text] of CAUSES) if (re.test(message)) return text;
  const syntax = /syntax error, unexpected ([\w$ ]+?)(?:, expecting (.+?))?\s*$/.exec(message);
  if (syntax) {
    const expected = syntax[2] ? syntax[2].split(' or ').map((t) => words(t.trim())) : [];
    return `The parser found ${words(syntax[1]!)} where it expected ${expected.length > 0 ? expected.join(' or ') : 'something else'}.`;
  }
  for (const [re, explain] of OTHERS) {
    const m = re.exec(message);
    if (m) return explain(m);
  }
  return undefined;
}

/** The parser's words, then ours: `original — plain sentence`. */
export function withExplanation(message: string): string {
  const plain = explainParserMessage(message);
  return plain ? `${message} — ${plain}` : message;
}

/**
 * Every diagnostic the checker can report: a stable code, a severity, and the words
 * a person reads. Codes never change once released; messages may improve.
 * `{name}` placeholders are filled from the diagnostic's arguments.
 */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface DiagnosticRule {
  readonly severity: Severity;
  readonly message: string;
}

const E = (message: string): DiagnosticRule => ({ severity: 'error', message });
const H = (message: string): DiagnosticRule => ({ severity: 'hint', message });
const W = (message: string): DiagnosticRule => ({ severity: 'warning', message });
const I = (message: string): DiagnosticRule => ({ severity: 'information', message });

export const DIAGNOSTIC_RULES = {
  // Structure
  'missing-comma': E('This rule is missing its trailing comma: add "," after it.'),
  'stray-comma': E('A comma with no rule before it: remove it.'),
  'unexpected-token': E('Unexpected {found}: expected {expected}.'),
  'unknown-keyword': E("'{word}' does not start any AppArmor rule.{hint}"),
  'unmatched-brace': E("This '}' closes nothing: remove it or add the '{' it belongs to."),
  'unclosed-brace': E("This '{' is never closed: add a '}' to end the block."),
  'unexpected-brace': E("A block '{' needs a profile header or a qualifier (owner, audit, deny …) before it."),
  'unexpected-char': E("The character '{char}' cannot appear here; put the word in double quotes if it belongs to it."),
  'invisible-char': E('The invisible character {char} cannot stand here: apparmor_parser takes only spaces, tabs and line breaks between words. Replace it with a space, or delete it.'),
  'include-bad-char': E("A name in <…> cannot contain '\"'; write <\"name\"> or \"name\" instead."),
  'abi-not-found': E("Cannot find abi '{name}' in {where}."),
  'byte-order-mark': E('The file starts with a byte-order mark (U+FEFF), which apparmor_parser reads as a stray character: save the file as UTF-8 without a BOM.'),
  'lone-carriage-return': E('A carriage return (CR) without a line feed ({count} in this file): apparmor_parser ends lines only at LF or CR LF. Convert the line endings to LF.'),
  'comment-at-eof': E('The file ends inside this comment: add a line break after it (apparmor_parser rejects a comment without one).'),
  'too-deep': E('Nesting is too deep here ({limit}); the rest of this block is skipped.'),
  'unclosed-paren': E("This '(' is never closed: add ')'."),
  'unterminated-string': E('This quoted string has no closing quote.'),
  'expected-open-brace': E("Expected '{' to open the profile body, found {found}."),
  'brace-needs-space': E("Put a space before '{': written together it becomes part of the name."),
  'hat-space': E("'^' must touch the hat name: write ^name without a space."),
  'rule-outside-profile': E('Rules must be inside a profile body; outside one, only includes, variables, alias and abi are allowed.'),
  'rules-without-profile': E('This file holds rules but no profile: a rule needs a profile around it (profile NAME { … }). A file meant to be included is checked as one with apparmor-lint --fragment, or under abstractions/, tunables/ or local/.'),
  'qualifier-on-profile': E('Qualifiers such as owner, audit or deny cannot be put on a profile or hat.'),
  'qualifier-on-if': E('Qualifiers cannot be put on an if block.'),
  'qualifier-without-rule': E("'{word}' must be followed by a rule or a block."),
  'qualifier-order': E("'{word}' must come before '{previous}': the order is priority=N, audit, allow|deny|prompt, owner|user|other."),
  'qualifier-repeated': E("'{word}' cannot follow '{previous}': each kind of qualifier may appear once."),
  'else-without-if': E("'else' must follow the closing brace of an if block."),
  'expected-expression': E('Expected a condition: a boolean variable ${B}, defined @{V}, or a comparison.'),
  'defined-needs-variable': E("'defined' must be followed by a variable: defined @{NAME} or defined ${NAME}."),
  'bool-compared': E("{name} is a boolean variable, which is tested on its own (if {name}, if not {name}), never compared: comparisons take words and set variables such as @{V}."),
  'assignment-in-profile': E('Variables can only be assigned before the first profile, not inside a profile body.'),
  'alias-in-profile': E('alias rules belong before the first profile, not inside a profile body.'),
  'alias-missing-arrow': E("An alias needs a target: alias /from/ -> /to/,"),
  // Include and abi
  'include-missing-name': E('This include names no file: write include <abstractions/NAME> or include "path".'),
  'include-comma': E('An include takes no trailing comma: remove it.'),
  'include-unclosed': E("This include name has no closing '>'."),
  'include-not-found': E("Cannot find include '{name}' in {where}.{hint}"),
  'include-errors': E("The included file '{name}' has {count}, the first {where}: {first}"),
  'include-unreadable': E("Cannot read '{path}': {why}."),
  'include-unreadable-skipped': W("Cannot read '{path}': {why}. apparmor_parser skips it ('if exists'), so its rules do not apply."),
  'include-too-deep': W("Includes below '{name}' nest more than {depth} files deep; the deeper ones are not checked."),
  'include-cycle': W("Include '{name}' leads back to itself (through {chain}); apparmor_parser reads each file once, so the cycle has no effect."),
  'include-path-unresolved': E("{count} include(s) not found on the include search path ({dirs}), the first '{first}'; variables they may define ({uses} use(s)) are not checked until they are. Set the include path (apparmor.includeDirs) to the folder that holds tunables/ and abstractions/."),
  'include-unresolved': W("Includes cannot be checked: no include search path ({count} include(s) unresolved). Pass --include-dir DIR (for example /etc/apparmor.d) to resolve them."),
  'abi-missing-name': E('abi needs a name: abi <abi/3.0>,'),
  'newer-than-abi': W("{what} needs AppArmor {since}, but this file declares abi {abi}."),
  // Variables
  'colon-assign-space': E("Put a space before ':=': written together, apparmor_parser reads '@{NAME}:=' as a path."),
  'glob-syntax': E("Invalid glob in '{path}': {why}"),
  'variable-no-value': E('This variable assignment has no value: give at least one value, or "" for an empty one.'),
  'variable-trailing-comma': E('Variable values take no trailing comma: remove the comma.'),
  'variable-redeclared': E('@{{name}} is already defined{where}: use += to add values, or := (AppArmor 5.0) to replace them.'),
  'variable-append-undeclared': E('@{{name}} is appended to with += but was never declared: declare it with = first.'),
  'variable-undefined': E('@{{name}} is never defined{hint}.'),
  'variable-recursive': E('@{{name}} cannot be expanded: its value refers back to itself ({chain}).'),
  'bool-redeclared': E('${{name}} is already defined{where}: a boolean variable is defined once.'),
  'bool-undefined': E('${{name}} is never defined.'),
  'bool-value': E("${{name}} is given '{value}': a boolean variable is true or false."),
  // File rules
  'missing-permissions': E('This file rule has no access permissions: add some, such as r, rw or ix.'),
  'missing-path': E('Permissions {found} must be followed by a path.'),
  'missing-target': E("'->' must be followed by a target."),
  'invalid-permission': E("'{word}' is not a permission: {letters} {be} not among the file permission letters r w a l k m x (with exec modes such as ix px cx ux)."),
  'write-and-append': E("'w' and 'a' cannot be combined: 'w' already includes appending. Keep one."),
  'multiple-exec-modes': E("Only one exec transition is allowed per rule, found '{modes}'."),
  'bare-x': E("'x' needs an exec transition such as ix, px, cx or ux (a bare 'x' is only allowed in deny rules)."),
  'deny-exec-mode': E("Deny rules take a plain 'x': the transition '{mode}' and any '->' target mean nothing when execution is denied."),
  'unsafe-without-exec': E("'{word}' only applies to rules that allow execution."),
  'path-not-absolute': E("'{path}' must be an absolute path: start it with '/' or a variable such as @{HOME}."),
  'link-incomplete': E('A link rule needs a source and a target: link /src -> /dst,'),
  // Capability
  'unknown-capability': E("Unknown capability '{name}'.{hint}"),
  'owner-not-allowed': E("'{word}' cannot be used on {kind} rules: only file rules match an owner."),
  // Network, unix
  'unknown-network-word': E("'{name}' is not a network family, socket type or protocol.{hint}"),
  'network-type-and-protocol': E("A network rule takes a socket type or a protocol after the family, not both: remove '{word}'."),
  'network-order': E("Write the family before the socket type: network {family} {type},"),
  'socket-peer-perm': E("{kind} '{perm}' concerns the local socket and cannot be combined with peer ip=, port=, addr= or label=; put it in a rule of its own."),
  'network-bad-ip': E("network ip='{value}' is not an address: write an IPv4 or IPv6 address (no prefix length, no zone) or none."),
  'network-bad-port': E("network port='{value}' is not a port: write a number from 0 to 65535 or a range LOW-HIGH."),
  'network-conds-family': E("Address conditionals (ip=, port=) apply to inet and inet6 sockets, not to '{family}'."),
  'unix-addr': E("unix addr='{value}' is not valid: an abstract address starts with '@', or use 'none' or 'auto'."),
  // Generic conditional rules
  'unknown-permission': E("'{name}' is not a {kind} permission.{hint}"),
  'unknown-conditional': E("'{name}' is not a {kind} conditional.{hint}"),
  'unexpected-word': E("'{word}' is not valid in a {kind} rule.{hint}"),
  'unexpected-list': E('Permissions in parentheses must come right after the rule keyword.'),
  'missing-value': E("'{name}=' needs a value."),
  'expected-conditional': E("Expected name=value inside the parentheses, found '{found}'."),
  'expected-identities': E("'+' must be followed by identities=(…)."),
  'conditional-repeated': E("'{name}=' is given twice in this {kind} rule: give it once."),
  'conditional-list': E("{kind} '{name}=' takes one value, not a list in parentheses."),
  'peer-group-last': E("'{name}=' comes after peer=( … ), which must be the last conditional of a {kind} rule: move it before peer=."),
  'peer-group-needed': E("{kind} peer= takes a group of conditionals in parentheses, such as peer=(label=foo)."),
  'unknown-signal': E("Unknown signal '{name}'.{hint}"),
  'dbus-perm-conflict': E("dbus {perm} cannot be combined with {cond}: {why}"),
  'mount-bad-option': E("Unknown mount option '{name}'.{hint}"),
  'mount-target-conds': E('Conditionals after the mount point are not supported.'),
  'mount-conflicting-options': E("Mount options '{a}' and '{b}' contradict each other (apparmor_parser 4.0 and later refuse them in one list)."),
  'mqueue-name': E("mqueue name '{name}' must start with '/' (posix) or be a number (sysv)."),
  'mqueue-type': E("mqueue type='{value}' is not valid: use posix or sysv."),
  'userns-perm-list': E('userns takes its permission without parentheses: userns create,'),
  'change-profile-safe': E("'{word}' needs an exec path: change_profile {word} /path -> profile,"),
  // rlimit
  'set-needs-rlimit': E("'set' must be followed by 'rlimit': set rlimit nofile <= 1024,"),
  'rlimit-missing-op': E("An rlimit needs '<=' and a value: set rlimit {name} <= VALUE,"),
  'rlimit-missing-value': E("'<=' must be followed by a value."),
  'unknown-rlimit': E("Unknown rlimit '{name}'.{hint}"),
  'invalid-rlimit-value': E("'{value}' is not a valid value for rlimit {name}: {why}"),
  'rule-no-qualifiers': E("{kind} rules take no qualifiers; remove '{word}'."),
  'priority-range': E('priority must be an integer from -1000 to 1000, found {value}.'),
  'priority-missing-value': E('priority needs a value: priority=N,'),
  'priority-on-block': E('priority cannot be put on a block.'),
  'priority-not-allowed': E('{kind} rules take no priority (other than 0).'),
  // Profiles
  'unknown-flag': E("Unknown profile flag '{name}'.{hint}"),
  'conflicting-flags': E("Profile flags '{a}' and '{b}' cannot be used together."),
  'flag-value': E("Profile flag '{name}' {why}"),
  'flags-repeated': E('A profile takes one flags list; merge them into one.'),
  'flags-missing-equals': E("Write flags=(…)."),
  'flags-missing-list': E("flags= must be followed by a list in parentheses: flags=(complain)."),
  'profile-name-required': E("Profiles need a name: profile NAME { … }, or a path-named /path/to/binary { … }."),
  'child-profile-keyword': E("Inside a profile, a child profile needs the 'profile' keyword: profile {name} { … }."),
  'profile-name-form': E("A profile name without the 'profile' keyword must start with '/' or a namespace ':ns:'."),
  'attachment-form': E("Attachment '{value}' must be an absolute path or start with a variable."),
  'flags-empty': E('This flags list is empty: name at least one flag, or remove the parentheses.'),
  'namespace-form': E("Profile name '{name}': {why}"),
  'header-order': E('xattrs=(…) must come before flags=(…) in a profile header.'),
  'xattrs-on-hat': E('Hats cannot have xattrs.'),
  // Advice
  'duplicate-rule': H('This rule repeats the one at line {line}; it can go.'),
  'legacy-include': H("'#include' is the old spelling (deprecated since AppArmor 3.1): write 'include'."),
  'missing-abi': H("This file declares no abi: add 'abi <abi/3.0>,' (or the version it targets) so the same policy means the same on every kernel."),
  // Security: valid rules that weaken confinement (the hover on the rule says why)
  'unconfined-exec': W("'{mode}' may run {path} with no AppArmor confinement at all: prefer px, cx or ix, or a profile for the program."),
  'exec-no-profile': W("'{mode}' needs a profile for '{target}', and none in the workspace or on the include path attaches to it: exec will fail until one is loaded."),
  'writable-executable': W("'{path}' is both writable and executable: the program can write code and then run it. Keep one."),
  'wide-write': W("'{path}' with write access lets the program change almost every file it can reach; name the folders it needs."),
  'risky-capability': W("capability {name} hands the program most of the machine's control; grant it only if the program cannot work without it."),
  'bare-file-rule': W("A bare 'file,' allows every file access (and exec); list the paths the program needs."),
  'raw-network': W("network {type} lets the program forge and sniff traffic; add 'deny' or remove it unless the program needs it."),
  'log-write': I("'{path}' is a log file opened for writing: append-only 'a' keeps the program from rewriting its past entries."),
  // Merged rules
  'exec-conflict': E("'{path}' has conflicting exec modes: {a} here and {b} {where}."),
  'change-profile-conflict': E("change_profile {path} is {a} here and {b} {where}: rules with one exec path and target must agree on safe or unsafe (no word means safe)."),
  'duplicate-profile': E("Profile '{name}' is defined twice{where}."),
  // Lint policy (suppressions) and target ABIs
  'suppression-unknown-code': W("'{code}' is not a diagnostic code of apparmor-lint (nor a check of apparmor.d's linter), so this suppression hides nothing."),
  'suppression-unused': W("This suppression of '{code}' hides nothing: no '{code}' is reported where it applies. Remove it."),
  'target-abi-unknown': E('{what} needs {since}: under target ABI {targets} apparmor_parser does not know it and rejects the profile.'),
  // Expectations files (*.apparmor-test, apparmor-lint --test)
  'expectation-malformed': E('This line is not an expectation: {detail}.'),
  'expectation-unknown-profile': E("There is no profile '{profile}' to test: {detail}."),
  'expectation-unreadable-file': E("Cannot read the profile file {file} that the 'file' line names."),
  'expectation-failed': E("Expected {expect} {profile} '{access}', but the profile {got}: {message}."),
  'target-abi-unpinned': W('This file declares no abi, so apparmor_parser holds it to the newest ABI of the system that loads it, which is not the same across the target ABIs ({targets}).{change} Pin the ABI the profile was written for, such as abi <abi/3.0>,'),
} as const satisfies Record<string, DiagnosticRule>;

/** A code of the table above: a misspelt code is a compile error wherever one is written. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_RULES;

/** Whether a code from outside (an LSP diagnostic the editor sends back) is one of ours. */
export function isDiagnosticCode(code: unknown): code is DiagnosticCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(DIAGNOSTIC_RULES, code);
}

export function formatMessage(code: DiagnosticCode, args: Readonly<Record<string, string>>): string {
  let parts = TEMPLATES.get(code);
  if (!parts) {
    // The table's type rules out a missing rule; plain JavaScript callers do not.
    const rule: DiagnosticRule | undefined = DIAGNOSTIC_RULES[code];
    parts = (rule?.message ?? code).split(/\{(\w+)\}/);
    TEMPLATES.set(code, parts);
  }
  // Odd parts are argument names. Only named arguments are filled, so a literal '@{HOME}'
  // in a message stays as written.
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) out += (args[parts[i]!] ?? `{${parts[i]}}`) + parts[i + 1];
  return out;
}

/** Each message split at its `{name}` places once, not at every diagnostic. */
const TEMPLATES = new Map<DiagnosticCode, string[]>();

export function severityOf(code: DiagnosticCode): Severity {
  const rule: DiagnosticRule | undefined = DIAGNOSTIC_RULES[code];
  return rule?.severity ?? 'error';
}

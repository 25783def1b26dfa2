/**
 * The typed syntax tree of an AppArmor policy file. Every node and token carries
 * its source span as UTF-16 offsets into the text, so features can map any node
 * back to an exact LSP range.
 */

import type { DiagnosticCode } from './diagnosticRules';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A lexical word: an unquoted run, a quoted string, or punctuation. */
export interface Token extends Span {
  /** The text exactly as written, quotes and escapes included. */
  readonly text: string;
  /** The text with quotes removed and escapes resolved. */
  readonly value: string;
  readonly quoted: boolean;
}

export interface Comment extends Span {
  readonly text: string;
}

/** A problem the parser found, with its place (named so as not to hide JavaScript's SyntaxError). */
export interface ParseError extends Span {
  readonly code: DiagnosticCode;
  readonly args: Readonly<Record<string, string>>;
}

export interface FileNode extends Span {
  readonly type: 'file';
  readonly items: TopItem[];
  readonly comments: Comment[];
  /** True when the file was parsed as an include fragment (bare rules at top level). */
  readonly fragment: boolean;
}

export type TopItem = IncludeNode | AbiNode | VariableNode | AliasNode | ProfileNode | BodyItem;

export type BodyItem =
  | RuleNode
  | ProfileNode
  | IncludeNode
  | AbiNode
  | IfNode
  | QualifierBlockNode
  | VariableNode;

export interface IncludeNode extends Span {
  readonly type: 'include';
  readonly keyword: Token;
  /** `#include` rather than `include`. */
  readonly legacy: boolean;
  readonly ifExists: boolean;
  /** `<…>` resolves through the search path; `"…"` and bare names relative to the base. */
  readonly angle: boolean;
  readonly path?: Token;
}

export interface AbiNode extends Span {
  readonly type: 'abi';
  readonly keyword: Token;
  readonly angle: boolean;
  readonly path?: Token;
}

export type AssignOp = '=' | '+=' | '?=' | ':=';

export interface VariableNode extends Span {
  readonly type: 'variable';
  /** `@` for set variables, `$` for boolean ones. */
  readonly sigil: '@' | '$';
  readonly name: Token;
  readonly op: AssignOp;
  readonly opSpan: Span;
  readonly values: Token[];
  /** Boolean assignments in 5.0 may take an expression. */
  readonly expr?: Expr;
}

export interface AliasNode extends Span {
  readonly type: 'alias';
  readonly keyword: Token;
  readonly from?: Token;
  readonly to?: Token;
}

export interface FlagNode extends Span {
  readonly name: Token;
  readonly value?: Token;
}

export interface CondNode extends Span {
  readonly name: Token;
  readonly op: '=' | 'in' | ':=';
  /** Values of a single word or a parenthesised list. */
  readonly values: Token[];
  /** `peer=( … )` holds nested conditionals instead of values. */
  readonly nested?: CondNode[];
  readonly list: boolean;
}

export interface ProfileNode extends Span {
  readonly type: 'profile';
  /** `profile`, `hat`, or `^`; absent for path-named profiles. */
  readonly keyword?: Token;
  readonly hat: boolean;
  readonly name?: Token;
  readonly attachment?: Token;
  readonly xattrs?: CondNode[];
  readonly identities: CondNode[];
  readonly flags?: FlagNode[];
  readonly flagsSpan?: Span;
  readonly qualifiers: Qualifiers;
  readonly body: BlockNode;
}

export interface BlockNode extends Span {
  readonly items: BodyItem[];
  /** Absent when the file ended before the block was closed. */
  readonly closed: boolean;
}

export interface Qualifiers {
  readonly priority?: { readonly token: Token; readonly value?: Token; readonly span: Span };
  readonly audit?: Token;
  /** allow | deny | prompt */
  readonly mode?: Token;
  /** owner | user | other */
  readonly owner?: Token;
  /** Every qualifier in source order, for order checks. */
  readonly all: Token[];
}

export interface QualifierBlockNode extends Span {
  readonly type: 'qualifierBlock';
  readonly qualifiers: Qualifiers;
  readonly body: BlockNode;
}

export interface IfNode extends Span {
  readonly type: 'if';
  readonly keyword: Token;
  readonly condition?: Expr;
  readonly then: BlockNode;
  readonly elseKeyword?: Token;
  readonly else?: IfNode | BlockNode;
}

export type Expr =
  | { readonly kind: 'binary'; readonly op: Token; readonly left: Expr; readonly right: Expr; readonly start: number; readonly end: number }
  | { readonly kind: 'not'; readonly op: Token; readonly operand: Expr; readonly start: number; readonly end: number }
  | { readonly kind: 'defined'; readonly op: Token; readonly variable?: Token; readonly start: number; readonly end: number }
  | { readonly kind: 'paren'; readonly inner: Expr; readonly start: number; readonly end: number }
  | { readonly kind: 'term'; readonly token: Token; readonly start: number; readonly end: number };

export type RuleKind =
  | 'file' | 'link' | 'capability' | 'network' | 'unix' | 'dbus' | 'signal' | 'ptrace'
  | 'mount' | 'remount' | 'umount' | 'pivot_root' | 'change_profile' | 'rlimit'
  | 'userns' | 'mqueue' | 'io_uring' | 'all';

interface RuleBase extends Span {
  readonly type: 'rule';
  readonly qualifiers: Qualifiers;
  /** The rule's keyword (`capability`, `file`, `set` …); absent for bare file rules. */
  readonly keyword?: Token;
  /** Absent when the comma is missing (already reported). */
  readonly comma?: Span;
}

export interface FileRuleNode extends RuleBase {
  readonly kind: 'file';
  /** `safe` or `unsafe` before the path. */
  readonly execSafety?: Token;
  readonly path?: Token;
  readonly perms?: Token;
  /** True when the permissions were written before the path. */
  readonly permsFirst: boolean;
  readonly arrow?: Span;
  readonly target?: Token;
}

export interface LinkRuleNode extends RuleBase {
  readonly kind: 'link';
  readonly subset?: Token;
  readonly path?: Token;
  readonly arrow?: Span;
  readonly target?: Token;
}

export interface RlimitRuleNode extends RuleBase {
  readonly kind: 'rlimit';
  readonly rlimit?: Token;
  readonly name?: Token;
  readonly op?: Span;
  readonly value?: Token;
}

/** Every rule made of permissions, conditionals and bare words. */
export interface CondRuleNode extends RuleBase {
  readonly kind: Exclude<RuleKind, 'file' | 'link' | 'rlimit'>;
  readonly perms?: Token[];
  readonly permsList: boolean;
  readonly conds: CondNode[];
  readonly words: Token[];
  readonly arrow?: Span;
  readonly target?: Token;
  /** Conditionals written after `->` (mount points take none). */
  readonly targetConds: CondNode[];
}

export type RuleNode = FileRuleNode | LinkRuleNode | RlimitRuleNode | CondRuleNode;

export interface ParseResult {
  readonly ast: FileNode;
  readonly errors: ParseError[];
}

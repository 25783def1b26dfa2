/**
 * The extension's own requests to the language server, beyond standard LSP: their names and
 * JSON shapes, in one place for the server, the service features that answer them, and the
 * VS Code client. Other editors may send them too; nothing here is VS Code specific.
 */
import type { Position, Range, TextEdit } from 'vscode-languageserver-types';

/** Log text in, the rules its denials ask for out, each profile placed in a file of the workspace or include path. */
export const DENIALS_REQUEST = 'apparmor/denials';
/** The edits that add rules to a profile, hat or child profile of a file (or make the file). */
export const INSERT_RULES_REQUEST = 'apparmor/insertRules';
/** Whether a profile of an open or saved file allows accesses, and which lines decide (see TestAccessParams). */
export const TEST_ACCESS_REQUEST = 'apparmor/testAccess';

/**
 * apparmor_parser's messages from a run the client made (Check, Load, on this machine or a
 * target), for the server to publish with its own diagnostics: the server is the one owner
 * of parser output in Problems, whichever side ran the parser.
 */
export const PARSER_MESSAGES_REQUEST = 'apparmor/parserMessages';

/**
 * In the InvalidParams error a server without files (the browser's) answers a `path` with: the
 * client then sends the log as `text`.
 */
export const READS_NO_FILES = 'this server reads no files';

export interface DenialsParams {
  /** Log text in any form `apparmor-lint --denials` reads (this, or `path`). */
  readonly text?: string;
  /**
   * A log file on the server's machine, read a line at a time (up to 1 GB): the memory a
   * large log costs is then that of its distinct rules, where `text` is held whole, twice.
   */
  readonly path?: string;
  /** Paths exactly as logged instead of generalised to tunables (default false). */
  readonly literal?: boolean;
}

export interface DenialsResult {
  readonly groups: DenialGroup[];
  /** AppArmor records read (every mode, not only denials). */
  readonly records: number;
  /** Lines that looked like AppArmor records but could not be read, and the first of them. */
  readonly unparsed: number;
  readonly unparsedLines: { readonly line: number; readonly text: string }[];
  /** Denials no rule can fix (unconfined, stacks, unknown operations), with the reason. */
  readonly skipped: { readonly line: number; readonly operation: string; readonly reason: string }[];
}

export interface DenialGroup {
  /** The block as logged: `parent//child` for hats and child profiles. */
  readonly profile: string;
  /** A change_hat asked for it: created as `^name` when missing. */
  readonly hat: boolean;
  readonly count: number;
  /** Milliseconds since the epoch, when the log had times. */
  readonly lastSeen?: number;
  readonly operations: string[];
  readonly rules: DenialRule[];
  /** Where the rules go; absent when no file defines the profile. */
  readonly target?: DenialTarget;
}

export interface DenialTarget {
  readonly uri: string;
  /** The block's name in that file: differs from the logged one when found by attachment. */
  readonly profile: string;
  readonly matchedBy: 'name' | 'attachment';
  /** Where the rules would be inserted (the block's start when it holds them all already). */
  readonly position: Position;
  /** The file has the block itself; else adding creates it inside its parent. */
  readonly blockExists: boolean;
}

export interface DenialRule {
  /** The rule with its trailing comma. */
  readonly text: string;
  /** The `deny` rule refusing the same access. */
  readonly deny: string;
  /** The rule(s) with paths as logged. */
  readonly literals: string[];
  readonly class: string;
  readonly count: number;
  readonly lastSeen?: number;
  /** The latest record's operation, and every operation seen. */
  readonly operation: string;
  readonly operations: string[];
  /** A few of the records behind the rule: 1-based log line and its key=value fields. */
  readonly samples: { readonly line: number; readonly fields: Record<string, string> }[];
  /** The located file already allows every access logged (the loaded policy is older than the file). */
  readonly allowed: boolean;
  /** Why the rule cannot go into the located file as it stands (the errors it would bring there); absent when it can. */
  readonly conflict?: string;
  /** What the evaluator says of the logged accesses against the located file as it is now; absent without one. */
  readonly verdict?: DenialVerdict;
}

/**
 * `allowed`: the file already allows it; `blocked`: an explicit deny rule refuses it, so an
 * allow rule would change nothing; `owner-needed`: only `owner` rules allow it; `transition-needed`:
 * `x` is granted but goes to no profile; `unknown`: the text cannot tell; `open`: the rule is what it lacks.
 */
interface DenialVerdict {
  readonly status: 'allowed' | 'blocked' | 'owner-needed' | 'transition-needed' | 'unknown' | 'open';
  readonly message: string;
  /** The deciding rules: the deny rules when blocked, the allowing ones when allowed. */
  readonly rules: { readonly uri: string; readonly range: Range; readonly effect: 'allow' | 'deny' }[];
}

export interface InsertRulesParams {
  /** The profile file; when it does not exist, the edits make a new file holding the block. */
  readonly uri: string;
  /** The block, `parent//child` for hats and child profiles, as the file names it. */
  readonly profile: string;
  /** Rule texts with their trailing commas (the `text` or the `deny` of DenialRule). */
  readonly rules: string[];
  /** Create a missing innermost block as a hat (`^name`) rather than a child profile. */
  readonly hat?: boolean;
}

export interface InsertRulesResult {
  /** Empty when the block already holds every rule. */
  readonly edits: TextEdit[];
  /** The file does not exist yet: create it, then apply the edits. */
  readonly newFile: boolean;
}

export interface ParserMessagesParams {
  /** An open document: the file the parser checked. */
  readonly uri: string;
  /** As parserMessages.ts reads apparmor_parser's standard error; an empty list clears the last run's. */
  readonly messages: { readonly severity: 'error' | 'warning'; readonly file?: string; readonly line?: number; readonly message: string }[];
  /** Which parser spoke: its version, its path, where it ran (`on web1`). */
  readonly parser?: { readonly version?: string; readonly path?: string; readonly where?: string };
}

export interface ParserMessagesResult {
  /** The diagnostics the messages made on the document. */
  readonly shown: number;
}

export interface TestAccessParams {
  readonly uri: string;
  /** Default: the profile around `position`, else the file's first. */
  readonly profile?: string;
  readonly position?: Position;
  /** Each written like the rule that would allow it: `r /etc/shadow`, `capability net_admin`. */
  readonly accesses: string[];
}

export interface TestAccessResult {
  readonly access: string;
  readonly profile: string;
  readonly verdict: 'allowed' | 'denied' | 'unknown';
  readonly audit: boolean;
  readonly reason: string;
  readonly message: string;
  readonly rules: { readonly uri: string; readonly range: Range; readonly effect: 'allow' | 'deny' }[];
}

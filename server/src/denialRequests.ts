import { CancellationToken, Connection, ErrorCodes, LSPErrorCodes, ResponseError, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { registerAccessRequests } from './accessRequests';
import { describeFault } from './describeFault';
import { DENIALS_REQUEST, DenialGroup, DenialRule, DenialsParams, DenialsResult, INSERT_RULES_REQUEST, InsertRulesParams, InsertRulesResult, READS_NO_FILES } from './protocol';
import { InsertedRules, insertDenialRules } from './service/features/insertDenialRules';
import { locateProfile } from './service/features/locateProfile';
import { ProposedDenials, proposeDenialsFrom, ProposedGroup, ProposedGroupRule } from './service/features/proposeDenials';
import type { FileSystem } from './service/includes';
import type { LogReader } from './service/logs/parseLog';
import { blockOf } from './service/logs/profileName';
import { uriToPath } from './service/uri';
import type { WorkspaceIndex } from './service/workspaceIndex';
import type { Workspace } from './workspace';

/** Calls `onLine` for each line of a log file; throws, with a message for a person, when it cannot. */
export type ReadLogLines = (path: string, onLine: (line: string, cut: boolean) => void) => void;

export interface DenialDeps {
  readonly documents: TextDocuments<TextDocument>;
  /** The file system with open documents' texts over the disk's. */
  readonly fs: FileSystem;
  readonly index: WorkspaceIndex;
  readonly workspace: Workspace;
  /** Resolves once the first index of the workspace and include folders is built. */
  indexed(): Promise<void>;
  /** Workspace folders, then the include search path: where a profile is looked for, best first. */
  roots(): readonly string[];
  /** Reads `path` logs; absent where the server has no files (the browser). */
  readonly readLogLines?: ReadLogLines;
}

/** `apparmor/denials` and `apparmor/insertRules` (see protocol.ts). */
export function registerDenialRequests(connection: Connection, deps: DenialDeps): void {
  connection.onRequest(DENIALS_REQUEST, async (params: unknown, token: CancellationToken) => {
    const p = checkDenialsParams(params);
    const { readLogLines } = deps;
    if (p.path !== undefined && !readLogLines) throw invalid(`${DENIALS_REQUEST}: ${READS_NO_FILES}; send the log as "text"`);
    // Indexing a large workspace takes a while: a cancel stops the wait.
    await Promise.race([deps.indexed(), new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()))]);
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${DENIALS_REQUEST} was cancelled.`);
    return answer(connection, DENIALS_REQUEST, () => {
      const open = new Map(deps.documents.all().filter((d) => d.uri.startsWith('file:')).map((d) => [uriToPath(d.uri), d.getText()]));
      const entries = [...deps.index.topLevelProfiles(open)];
      const feed = p.path === undefined ? (log: LogReader) => log.addText(p.text!) : (log: LogReader) => readLog(readLogLines!, p.path!, log);
      return toDenialsResult(proposeDenialsFrom(feed, { literal: p.literal ?? false }, {
        locate: (profile) => locateProfile(profile, entries, deps.roots()),
        read: (path) => deps.fs.readFile(path),
        analyzer: deps.workspace.analyzer,
      }));
    });
  });
  connection.onRequest(INSERT_RULES_REQUEST, (params: unknown) => {
    const p = checkInsertParams(params);
    return answer(connection, INSERT_RULES_REQUEST, () => toInsertRulesResult(insertDenialRules(deps.fs.readFile(uriToPath(p.uri)), p)));
  });
  // Add Rule checks what it added with the same evaluator.
  registerAccessRequests(connection, deps);
}

/**
 * The core's proposals in the wire shape of protocol.ts. Field by field, so a change on
 * either side is a compile error here rather than a silent change of the protocol.
 */
function toDenialsResult(p: ProposedDenials): DenialsResult {
  return {
    groups: p.groups.map(toDenialGroup),
    records: p.records,
    unparsed: p.unparsed,
    unparsedLines: p.unparsedLines.map((u) => ({ line: u.line, text: u.text })),
    skipped: p.skipped.map((s) => ({ line: s.line, operation: s.operation, reason: s.reason })),
  };
}

function toDenialGroup(g: ProposedGroup): DenialGroup {
  const t = g.target;
  return {
    profile: g.profile,
    hat: g.hat,
    count: g.count,
    ...(g.lastSeen !== undefined ? { lastSeen: g.lastSeen } : {}),
    operations: g.operations,
    rules: g.rules.map(toDenialRule),
    ...(t ? { target: { uri: t.uri, profile: t.profile, matchedBy: t.matchedBy, position: t.position, blockExists: t.blockExists } } : {}),
  };
}

function toDenialRule(r: ProposedGroupRule): DenialRule {
  return {
    text: r.text,
    deny: r.deny,
    literals: r.literals,
    class: r.class,
    count: r.count,
    ...(r.lastSeen !== undefined ? { lastSeen: r.lastSeen } : {}),
    operation: r.operation,
    operations: r.operations,
    samples: r.samples,
    allowed: r.allowed,
    ...(r.conflict !== undefined ? { conflict: r.conflict } : {}),
    ...(r.verdict ? { verdict: { status: r.verdict.status, message: r.verdict.message, rules: r.verdict.rules.map((x) => ({ uri: x.uri, range: x.range, effect: x.effect })) } } : {}),
  };
}

function toInsertRulesResult(r: InsertedRules): InsertRulesResult {
  return { edits: r.edits, newFile: r.newFile };
}

/** A log that cannot be read is the caller's problem, told in words, not a bug of the server. */
function readLog(readLogLines: ReadLogLines, path: string, log: LogReader): void {
  try {
    readLogLines(path, (line, cut) => log.addLine(line, cut));
  } catch (e) {
    throw new ResponseError(ErrorCodes.InvalidParams, `${DENIALS_REQUEST}: cannot read ${path}: ${(e as Error).message}`);
  }
}

/** A bug is logged and answered as an error the client can show; it never takes the server down. */
function answer<R>(connection: Connection, method: string, fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ResponseError) throw e;
    connection.console.error(`${method} failed: ${describeFault(e)}`);
    throw new ResponseError(ErrorCodes.InternalError, `${method} failed: ${(e as Error).message}`);
  }
}

function invalid(message: string): ResponseError {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkDenialsParams(params: unknown): DenialsParams {
  const shape = `${DENIALS_REQUEST} needs {"text": string, "literal"?: boolean} or {"path": string, "literal"?: boolean}`;
  if (!isRecord(params) || (typeof params.text === 'string') === (typeof params.path === 'string')) throw invalid(shape);
  if (params.literal !== undefined && typeof params.literal !== 'boolean') throw invalid(`${DENIALS_REQUEST}: "literal" must be true or false`);
  return typeof params.path === 'string' ? { path: params.path, literal: params.literal } : { text: params.text as string, literal: params.literal };
}

function checkInsertParams(params: unknown): InsertRulesParams {
  const shape = `${INSERT_RULES_REQUEST} needs {"uri": string, "profile": string, "rules": string[], "hat"?: boolean}`;
  if (!isRecord(params) || typeof params.uri !== 'string' || typeof params.profile !== 'string' || !Array.isArray(params.rules)) throw invalid(shape);
  if (!params.rules.every((r): r is string => typeof r === 'string')) throw invalid(`${INSERT_RULES_REQUEST}: every rule must be a string`);
  if (params.hat !== undefined && typeof params.hat !== 'boolean') throw invalid(`${INSERT_RULES_REQUEST}: "hat" must be true or false`);
  if (!params.uri.startsWith('file:')) throw invalid(`${INSERT_RULES_REQUEST}: only file: URIs can be edited, not ${params.uri}`);
  const block = blockOf(params.profile);
  if ('reason' in block) throw invalid(`${INSERT_RULES_REQUEST}: ${block.reason}`);
  return { uri: params.uri, profile: params.profile, rules: params.rules, hat: params.hat };
}

import type {
  CodeAction, CompletionList, Diagnostic, DocumentHighlight, DocumentSymbol, FoldingRange, Hover, Location, Position, Range,
  SelectionRange, SymbolInformation, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { Analyzer, FileAnalysis } from './analyze';
import { LineIndex, toDiagnostics } from './diagnostics';
import { EXPECTATIONS_EXTENSION } from './evaluate/runExpectations';
import { completeExpectations } from './features/completeExpectations';
import { diagnoseExpectations } from './features/diagnoseExpectations';
import { doExpectationHover } from './features/doExpectationHover';
import { CompletionContext, doComplete } from './features/doComplete';
import { doHover } from './features/doHover';
import { doRename, OtherFile, prepareRename } from './features/doRename';
import { findDefinition } from './features/findDefinition';
import { findDocumentSymbols } from './features/findDocumentSymbols';
import { findDocumentHighlights, findReferences } from './features/findReferences';
import { FormatOptions, formatDocument, formatRange } from './features/format';
import { getCodeActions } from './features/getCodeActions';
import { suppressActions } from './features/suppressAction';
import { getFoldingRanges } from './features/getFoldingRanges';
import { getSelectionRanges } from './features/getSelectionRanges';
import { getSemanticTokens } from './features/getSemanticTokens';
import { refuseRename } from './features/refuseRename';
import { symbolAt } from './features/symbolAt';
import { variablesInScope } from './features/variablesInScope';
import { pathToUri, uriToPath } from './uri';
import { profilesOf } from './walk';
import type { WorkspaceIndex } from './workspaceIndex';

/** One version of a document, analysed: what every feature reads. */
export interface Snapshot {
  readonly uri: string;
  readonly text: string;
  readonly analysis: FileAnalysis;
  readonly lines: LineIndex;
  /** The offset of an LSP position, by the editor's rules for line ends and positions past them. */
  offsetAt(position: Position): number;
}

/** A document of the other language the service knows, expectations files: its text alone. */
export type TextSnapshot = Pick<Snapshot, 'uri' | 'text'>;

/** The language id of expectations files (`apparmor-lint --test`). */
export const EXPECTATIONS_LANGUAGE = 'apparmor-test';

/** What the service needs of its host: the checker of the current settings, and the rest of the workspace. */
export interface ServiceHost {
  /** The analyzer of the current configuration (replaced when the settings change). */
  analyzer(): Analyzer;
  /** Profiles and variables of the workspace's other files; absent where nothing is indexed. */
  readonly index?: WorkspaceIndex;
  /** Include names the search path offers, for completion. */
  includeNames(): readonly string[];
  /** The workspace's other policy files, as they are now, for rename. */
  otherFiles(): Iterable<OtherFile>;
  /** The workspace folders, as paths: a rename never reaches past them. */
  folders(): readonly string[];
  /** Whether the editor has a file open; without it, every file may have changed since it was read. */
  isOpen?(path: string): boolean;
}

/** A rename that would change files outside the workspace: why, in words for the user. */
export interface RenameRefusal {
  readonly refused: string;
}

/** What the editor said about the completion request, beyond the position (LSP's CompletionContext and client capabilities). */
export type CompletionRequest = Omit<CompletionContext, 'includeNames' | 'variables' | 'profileNames'>;

/**
 * The language features, each over one snapshot and a position (or range), as the LSP
 * requests ask for them. The host (the server, a test, another editor) keeps snapshots
 * current; the service keeps no state of its own.
 */
export interface LanguageService {
  doHover(doc: Snapshot, position: Position): Hover | null;
  doComplete(doc: Snapshot, position: Position, request?: CompletionRequest): CompletionList;
  findDefinition(doc: Snapshot, position: Position): Location[];
  findReferences(doc: Snapshot, position: Position): Location[];
  findDocumentHighlights(doc: Snapshot, position: Position): DocumentHighlight[];
  findDocumentSymbols(doc: Snapshot): DocumentSymbol[];
  findWorkspaceSymbols(query: string): SymbolInformation[];
  getFoldingRanges(doc: Snapshot): FoldingRange[];
  getSelectionRanges(doc: Snapshot, positions: readonly Position[]): SelectionRange[];
  getSemanticTokens(doc: Snapshot): number[];
  getCodeActions(doc: Snapshot, diagnostics: readonly Diagnostic[]): CodeAction[];
  prepareRename(doc: Snapshot, position: Position): { range: Range; placeholder: string } | RenameRefusal | null;
  doRename(doc: Snapshot, position: Position, newName: string): WorkspaceEdit | RenameRefusal | null;
  format(doc: Snapshot, range: Range | undefined, options: FormatOptions): TextEdit[];
  /** Whether a document is an expectations file: by its language or its name. */
  isExpectations(uri: string, languageId?: string): boolean;
  diagnoseExpectations(doc: TextSnapshot): Diagnostic[];
  doExpectationHover(doc: TextSnapshot, position: Position): Hover | null;
  doExpectationComplete(doc: TextSnapshot, position: Position, request?: CompletionRequest): CompletionList;
}

export function isRefusal(x: unknown): x is RenameRefusal {
  return typeof x === 'object' && x !== null && typeof (x as RenameRefusal).refused === 'string';
}

/** The service over a host; the feature files stay one per feature, and this adapts their arguments. */
export function getLanguageService(host: ServiceHost): LanguageService {
  const ast = (doc: Snapshot) => doc.analysis.parse.ast;
  const isOpen = (path: string): boolean => host.isOpen?.(path) ?? true;
  const refusal = (doc: Snapshot, offset: number): RenameRefusal | undefined => {
    const why = refuseRename(doc.uri, doc.text, ast(doc), doc.lines, offset, { analyzer: host.analyzer(), folders: host.folders(), others: () => host.otherFiles() });
    return why === undefined ? undefined : { refused: why };
  };
  return {
    doHover: (doc, position) =>
      doHover(ast(doc), doc.lines, doc.offsetAt(position), {
        analyzer: host.analyzer(), path: uriToPath(doc.uri), text: doc.text, analysis: doc.analysis,
        findProfile: (name) => host.index?.findProfile(name).map((l) => ({ path: l.path, line: l.range.start.line + 1 })) ?? [],
      }),
    doComplete: (doc, position, request = {}) => {
      const variables = variablesInScope(host.analyzer(), uriToPath(doc.uri), ast(doc));
      const profileNames = (): string[] => [...new Set([...profilesOf(ast(doc)), ...(host.index?.profileNames() ?? [])])];
      return doComplete(doc.text, doc.offsetAt(position), { ...request, includeNames: host.includeNames(), variables, profileNames });
    },
    findDefinition: (doc, position) => {
      const offset = doc.offsetAt(position);
      const here = findDefinition(host.analyzer(), uriToPath(doc.uri), doc.text, ast(doc), offset);
      if (here.length > 0) return here;
      // A profile defined in another file of the workspace.
      const ref = symbolAt(ast(doc), doc.text, offset);
      return ref?.kind === 'profile' && host.index ? host.index.findProfile(ref.name).map((l) => ({ uri: pathToUri(l.path), range: l.range })) : [];
    },
    findReferences: (doc, position) => findReferences(doc.uri, doc.text, ast(doc), doc.lines, doc.offsetAt(position)),
    findDocumentHighlights: (doc, position) => findDocumentHighlights(doc.text, ast(doc), doc.lines, doc.offsetAt(position)),
    findDocumentSymbols: (doc) => findDocumentSymbols(ast(doc), doc.lines, doc.text),
    findWorkspaceSymbols: (query) => host.index?.symbols(query) ?? [],
    getFoldingRanges: (doc) => getFoldingRanges(ast(doc), doc.lines),
    getSelectionRanges: (doc, positions) => getSelectionRanges(ast(doc), doc.lines, positions.map((p) => doc.offsetAt(p))),
    getSemanticTokens: (doc) => getSemanticTokens(ast(doc), doc.lines),
    getCodeActions: (doc, diagnostics) => [
      ...getCodeActions(doc.uri, doc.text, ast(doc), doc.lines, diagnostics),
      ...suppressActions(doc.uri, doc.text, doc.lines, diagnostics),
    ],
    prepareRename: (doc, position) => {
      const offset = doc.offsetAt(position);
      return refusal(doc, offset) ?? prepareRename(doc.text, ast(doc), doc.lines, offset);
    },
    doRename: (doc, position, newName) => {
      const offset = doc.offsetAt(position);
      return refusal(doc, offset) ?? doRename(doc.uri, doc.text, ast(doc), doc.lines, offset, newName, host.otherFiles());
    },
    // The name decides too: a `.apparmor-test` file kept in apparmor.d/ may open as AppArmor.
    isExpectations: (uri, languageId) => languageId === EXPECTATIONS_LANGUAGE || uri.endsWith(EXPECTATIONS_EXTENSION),
    diagnoseExpectations: (doc) => {
      const lines = new LineIndex(doc.text);
      return toDiagnostics(doc.text, diagnoseExpectations(host.analyzer(), uriToPath(doc.uri), doc.text, lines, isOpen), lines);
    },
    doExpectationHover: (doc, position) => doExpectationHover(host.analyzer(), uriToPath(doc.uri), doc.text, position, isOpen),
    doExpectationComplete: (doc, position, request = {}) => completeExpectations(host.analyzer(), uriToPath(doc.uri), doc.text, position, {
      workspaceProfiles: () => host.index?.profileNames() ?? [], isOpen, ...(request.support ? { support: request.support } : {}),
    }),
    format: (doc, range, options) => range
      ? formatRange(doc.text, doc.lines, range, options, doc.analysis.fragment)
      : formatDocument(doc.text, doc.lines, options, doc.analysis.fragment),
  };
}

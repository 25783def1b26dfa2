import { Connection, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CAPABILITIES } from './capabilities';
import { ReadLogLines, registerDenialRequests } from './denialRequests';
import { DiagnosticsPublisher, RunParser } from './diagnosticsPublisher';
import { buildIndex } from './indexing';
import { doComplete } from './service/features/doComplete';
import { isFragmentPath } from './service/analyze';
import { doRename, OtherFile, prepareRename } from './service/features/doRename';
import { findDefinition } from './service/features/findDefinition';
import { findDocumentHighlights, findReferences } from './service/features/findReferences';
import { getCodeActions } from './service/features/getCodeActions';
import { pathToUri, uriToPath } from './service/uri';
import { WorkspaceIndex } from './service/workspaceIndex';
import { symbolAt } from './service/features/symbolAt';
import { profilesOf } from './service/walk';
import { doHover } from './service/features/doHover';
import { findDocumentSymbols } from './service/features/findDocumentSymbols';
import { formatDocument, FormatOptions, formatRange } from './service/features/format';
import { getFoldingRanges } from './service/features/getFoldingRanges';
import { getSelectionRanges } from './service/features/getSelectionRanges';
import { getSemanticTokens } from './service/features/getSemanticTokens';
import type { FileSystem } from './service/includes';
import { Settings, withoutUnset, Workspace } from './workspace';
import { trackEdits } from './editTracking';

export interface ServerOptions {
  readonly fs: FileSystem;
  readonly defaults: Settings;
  /** The real apparmor_parser, where the platform has one (Node, not the browser). */
  readonly runParser?: RunParser;
  /** Reads a log file a line at a time, where the platform has files (Node). */
  readonly readLogLines?: ReadLogLines;
}

/** Wires the language service to a connection; shared by the Node and browser entries. */
export function startServer(connection: Connection, options: ServerOptions): void {
  // The workspace learns each edit, to re-read only around it.
  const documents = new TextDocuments(trackEdits((...e) => workspace.noteEdit(...e)));
  // Open documents win over the disk: an unsaved tunable is what its includers see.
  const overlay: FileSystem = {
    readFile: (p) => documents.get(pathToUri(p))?.getText() ?? options.fs.readFile(p),
    stat: (p) => (documents.get(pathToUri(p)) ? 'file' : options.fs.stat(p)),
    readDirectory: (p) => options.fs.readDirectory(p),
  };
  const workspace = new Workspace(overlay, options.defaults);
  const index = new WorkspaceIndex(options.fs);
  let roots: string[] = [];
  let indexed: Promise<void> = Promise.resolve();

  // A bug in one feature is logged and answered with nothing; it never takes the server down.
  const guard = <A extends unknown[], R>(name: string, fn: (...args: A) => R) => (...args: A): R | null => {
    try {
      return fn(...args);
    } catch (e) {
      connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  };

  const publisher = new DiagnosticsPublisher(connection, documents, workspace, options.runParser);
  const schedule = (doc: TextDocument): void => publisher.schedule(doc);

  let canPullConfiguration = false;
  /** Settings come from `workspace/configuration` (section `apparmor`) where the client offers it. */
  const pullSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    const pulled = ((await connection.workspace.getConfiguration('apparmor')) ?? {}) as Partial<Settings>;
    workspace.configure({ ...options.defaults, ...withoutUnset(pulled) });
    documents.all().forEach(schedule);
  };
  connection.onInitialized(() => {
    void pullSettings().catch((e: Error) => connection.console.error(`settings: ${e.message}`));
    indexed = buildIndex(connection, index, [...roots, ...workspace.settings.includeDirs]).catch((e: Error) => connection.console.error(`indexing: ${e.message}`));
  });
  workspace.onDependentsChanged = (changed) => {
    for (const doc of documents.all()) if (doc.uri !== changed) schedule(doc);
  };
  connection.onDidChangeConfiguration(() => void pullSettings().catch((e: Error) => connection.console.error(`settings: ${e.message}`)));

  connection.onInitialize((params) => {
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (roots.length === 0 && params.rootUri) roots = [uriToPath(params.rootUri)];
    const init = (params.initializationOptions ?? {}) as Partial<Settings>;
    if (Object.keys(init).length > 0) workspace.configure({ ...options.defaults, ...withoutUnset(init) });
    return { capabilities: CAPABILITIES, serverInfo: { name: 'apparmor-language-server' } };
  });

  // Fires on open as well as on every change.
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidSave((e) => {
    index.update(uriToPath(e.document.uri), e.document.getText());
    void publisher.checkSaved(e.document).catch((err: Error) => connection.console.error(`apparmor_parser check failed: ${err.message}`));
  });
  documents.onDidClose((e) => {
    workspace.forget(e.document.uri);
    publisher.clear(e.document.uri);
  });

  const formatOptions = (o: { tabSize: number; insertSpaces: boolean }): FormatOptions =>
    ({ tabSize: o.tabSize, insertSpaces: o.insertSpaces, modernIncludes: workspace.settings.formatModernIncludes ?? false });

  /** The workspace's other policy files, as they are now (open ones as edited). */
  function* otherFiles(): Generator<OtherFile> {
    const paths = new Set([...index.paths(), ...documents.all().map((d) => uriToPath(d.uri))]);
    for (const path of paths) {
      const text = overlay.readFile(path);
      if (text !== undefined) yield { uri: pathToUri(path), text, fragment: isFragmentPath(path) };
    }
  }

  /** Runs a feature on an open document's current analysis; null for unknown documents. */
  const withDoc = <R>(uri: string, fn: (doc: TextDocument, entry: ReturnType<Workspace['get']>) => R): R | null => {
    const doc = documents.get(uri);
    return doc ? fn(doc, workspace.get(doc)) : null;
  };

  connection.onHover(guard('hover', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    doHover(analysis.parse.ast, lines, doc.offsetAt(p.position), { analyzer: workspace.analyzer, path: uriToPath(doc.uri), text: doc.getText() }))));
  connection.onCompletion(guard('completion', (p) => withDoc(p.textDocument.uri, (doc, { analysis }) => {
    const variables = analysis.parse.ast.items.flatMap((i) => (i.type === 'variable' && i.sigil === '@' ? [i.name.value] : []));
    const profileNames = (): string[] => [...new Set([...profilesOf(analysis.parse.ast), ...index.profileNames()])];
    return doComplete(doc.getText(), doc.offsetAt(p.position), { includeNames: workspace.includeNames(), variables, profileNames });
  })));
  connection.onDocumentSymbol(guard('symbols', (p) => withDoc(p.textDocument.uri, (_doc, { analysis, lines }) =>
    findDocumentSymbols(analysis.parse.ast, lines))));
  connection.onFoldingRanges(guard('folding', (p) => withDoc(p.textDocument.uri, (_doc, { analysis, lines }) =>
    getFoldingRanges(analysis.parse.ast, lines))));

  connection.onCodeAction(guard('code actions', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    getCodeActions(doc.uri, doc.getText(), analysis.parse.ast, lines, p.context.diagnostics))));

  connection.onDefinition(guard('definition', (p) => withDoc(p.textDocument.uri, (doc, { analysis }) => {
    const here = findDefinition(workspace.analyzer, uriToPath(doc.uri), doc.getText(), analysis.parse.ast, doc.offsetAt(p.position));
    if (here.length > 0) return here;
    // A profile defined in another file of the workspace.
    const ref = symbolAt(analysis.parse.ast, doc.getText(), doc.offsetAt(p.position));
    return ref?.kind === 'profile' ? index.findProfile(ref.name).map((l) => ({ uri: pathToUri(l.path), range: l.range })) : [];
  })));
  connection.onWorkspaceSymbol(guard('workspace symbols', (p) => index.symbols(p.query)));
  connection.onReferences(guard('references', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    findReferences(doc.uri, doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position)))));
  connection.onDocumentHighlight(guard('highlight', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    findDocumentHighlights(doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position)))));
  connection.onPrepareRename(guard('prepare rename', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    prepareRename(doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position)))));
  connection.onRenameRequest(guard('rename', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    doRename(doc.uri, doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position), p.newName, otherFiles()))));

  connection.onDocumentRangeFormatting(guard('range formatting', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    formatRange(doc.getText(), lines, p.range, formatOptions(p.options), analysis.fragment))));
  connection.onDocumentFormatting(guard('formatting', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    formatDocument(doc.getText(), lines, formatOptions(p.options), analysis.fragment))));

  connection.onSelectionRanges(guard('selection ranges', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    getSelectionRanges(analysis.parse.ast, lines, p.positions.map((q) => doc.offsetAt(q))))));
  connection.languages.semanticTokens.on((p) => guard('semantic tokens', () => withDoc(p.textDocument.uri, (_doc, { analysis, lines }) =>
    ({ data: getSemanticTokens(analysis.parse.ast, lines) })))() ?? { data: [] });

  registerDenialRequests(connection, {
    documents, fs: overlay, index, workspace, indexed: () => indexed, roots: () => [...roots, ...workspace.settings.includeDirs], readLogLines: options.readLogLines,
  });

  documents.listen(connection);
  connection.listen();
}

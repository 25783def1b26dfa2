import { CancellationToken, CancellationTokenSource, Connection, LSPErrorCodes, ResponseError, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CAPABILITIES } from './capabilities';
import { ReadLogLines, registerDenialRequests } from './denialRequests';
import { DiagnosticsPublisher, RunParser } from './diagnosticsPublisher';
import { buildIndex, DEFAULT_MAX_INDEXED, TreeSource } from './indexing';
import { MAX_POLICY_FILE_BYTES } from './service/policyTree';
import { doComplete } from './service/features/doComplete';
import { variablesInScope } from './service/features/variablesInScope';
import { isFragmentPath } from './service/analyze';
import { doRename, OtherFile, prepareRename } from './service/features/doRename';
import { refuseRename } from './service/features/refuseRename';
import type { FileNode } from './service/ast';
import type { LineIndex } from './service/diagnostics';
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
import { formatOptions } from './formatOptions';
import { DetectedRoots } from './includeRoots';

export interface ServerOptions {
  readonly fs: FileSystem;
  readonly defaults: Settings;
  /** The real apparmor_parser, where the platform has one (Node, not the browser). */
  readonly runParser?: RunParser;
  /** The disk as the workspace indexer walks it; without it (the browser) nothing is indexed. */
  readonly tree?: TreeSource;
  /** Reads a log file a line at a time, where the platform has files (Node). */
  readonly readLogLines?: ReadLogLines;
}

/** Wires the language service to a connection; shared by the Node and browser entries. */
export function startServer(connection: Connection, options: ServerOptions): void {
  // The workspace learns each edit, to re-read only around it.
  const documents = new TextDocuments(trackEdits((uri, _from, _to, edit) => workspace.noteEdit(uri, edit)));
  // Open documents win over the disk: an unsaved tunable is what its includers see.
  const overlay: FileSystem = {
    readFile: (p) => documents.get(pathToUri(p))?.getText() ?? options.fs.readFile(p),
    stat: (p) => (documents.get(pathToUri(p)) ? 'file' : options.fs.stat(p)),
    readDirectory: (p) => options.fs.readDirectory(p),
    readError: (p) => options.fs.readError?.(p),
  };
  const workspace = new Workspace(overlay, options.defaults);
  const detected = new DetectedRoots(overlay, options.defaults);
  const index = new WorkspaceIndex(options.fs);
  let roots: string[] = [];
  let indexed: Promise<void> = Promise.resolve();

  /** Stops indexing at shutdown. */
  const stopIndexing = new CancellationTokenSource();

  // A bug in one feature is logged and answered with nothing; it never takes the server down.
  // A request cancelled while it waited in the queue is answered as cancelled, not run.
  const guard = <A extends unknown[], R>(name: string, fn: (...args: A) => R) => (...args: A): R | null => {
    if (args.some((a) => CancellationToken.is(a) && a.isCancellationRequested)) throw cancelledError();
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  };
  /** The same for notifications: logged, never thrown into the event loop. */
  const safely = <A extends unknown[]>(name: string, fn: (...args: A) => void) => (...args: A): void => {
    try {
      fn(...args);
    } catch (e) {
      connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
    }
  };

  const publisher = new DiagnosticsPublisher(connection, documents, workspace, options.runParser);
  const schedule = (doc: TextDocument): void => publisher.schedule(doc);

  let canPullConfiguration = false;
  /** Settings come from `workspace/configuration` (section `apparmor`) where the client offers it. */
  const pullSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    const pulled = ((await connection.workspace.getConfiguration('apparmor')) ?? {}) as Partial<Settings>;
    workspace.configure(detected.apply({ ...options.defaults, ...withoutUnset(pulled) }));
    documents.all().forEach(schedule);
  };
  connection.onInitialized(() => {
    // After the settings, which hold the index's limit; a client that never answers does not hold it up long.
    const pulled = pullSettings().catch((e: Error) => connection.console.error(`settings: ${e.stack ?? e}`));
    const settled = Promise.race([pulled, new Promise((resolve) => setTimeout(resolve, 2000))]);
    indexed = settled.then(async () => {
      if (!options.tree) return;
      const max = workspace.settings.indexMaxFiles;
      const limits = { maxEntries: Number.isInteger(max) && max! > 0 ? max! : DEFAULT_MAX_INDEXED, maxFileBytes: MAX_POLICY_FILE_BYTES };
      await buildIndex(connection, index, options.tree, [...roots, ...workspace.settings.includeDirs], limits, stopIndexing.token);
    }).catch((e: Error) => connection.console.error(`indexing failed: ${e.stack ?? e}`));
  });
  connection.onShutdown(() => stopIndexing.cancel());
  workspace.onDependentsChanged = (changed) => {
    for (const doc of documents.all()) if (doc.uri !== changed) schedule(doc);
  };
  connection.onDidChangeConfiguration(() => void pullSettings().catch((e: Error) => connection.console.error(`settings: ${e.stack ?? e}`)));

  connection.onInitialize((params) => {
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (roots.length === 0 && params.rootUri) roots = [uriToPath(params.rootUri)];
    const init = (params.initializationOptions ?? {}) as Partial<Settings>;
    detected.learn(roots, []);
    workspace.configure(detected.apply(Object.keys(init).length > 0 ? { ...options.defaults, ...withoutUnset(init) } : options.defaults));
    return { capabilities: CAPABILITIES, serverInfo: { name: 'apparmor-language-server' } };
  });

  // A file opened inside an include root's tree makes that root known.
  documents.onDidOpen((e) => {
    if (!detected.learn([], [uriToPath(e.document.uri)])) return;
    workspace.configure(detected.apply());
    documents.all().forEach(schedule);
  });
  // Fires on open as well as on every change.
  documents.onDidChangeContent(safely('change', (e) => schedule(e.document)));
  documents.onDidSave(safely('save', (e) => {
    index.update(uriToPath(e.document.uri), e.document.getText());
    void publisher.checkSaved(e.document).catch((err: Error) => connection.console.error(`apparmor_parser check failed: ${err.stack ?? err}`));
  }));
  documents.onDidClose(safely('close', (e) => {
    workspace.forget(e.document.uri);
    publisher.clear(e.document.uri);
  }));

  const formatOptionsOf = (o: { tabSize: number; insertSpaces: boolean }): FormatOptions => formatOptions(workspace.settings, o);

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
    const variables = variablesInScope(workspace.analyzer, uriToPath(doc.uri), analysis.parse.ast);
    const profileNames = (): string[] => [...new Set([...profilesOf(analysis.parse.ast), ...index.profileNames()])];
    return doComplete(doc.getText(), doc.offsetAt(p.position), { includeNames: workspace.includeNames(), variables, profileNames, triggerCharacter: p.context?.triggerCharacter });
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
  /** A rename that would reach files outside the workspace folders is refused, with a message the editor shows. */
  const renameRefused = (doc: TextDocument, ast: FileNode, lines: LineIndex, offset: number): ResponseError | undefined => {
    const why = refuseRename(doc.uri, doc.getText(), ast, lines, offset, { analyzer: workspace.analyzer, folders: roots, others: otherFiles });
    return why === undefined ? undefined : new ResponseError(LSPErrorCodes.RequestFailed, why);
  };
  connection.onPrepareRename(guard('prepare rename', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    renameRefused(doc, analysis.parse.ast, lines, doc.offsetAt(p.position)) ?? prepareRename(doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position)))));
  connection.onRenameRequest(guard('rename', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    renameRefused(doc, analysis.parse.ast, lines, doc.offsetAt(p.position)) ?? doRename(doc.uri, doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position), p.newName, otherFiles()))));

  connection.onDocumentRangeFormatting(guard('range formatting', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    formatRange(doc.getText(), lines, p.range, formatOptionsOf(p.options), analysis.fragment))));
  connection.onDocumentFormatting(guard('formatting', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    formatDocument(doc.getText(), lines, formatOptionsOf(p.options), analysis.fragment))));

  connection.onSelectionRanges(guard('selection ranges', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    getSelectionRanges(analysis.parse.ast, lines, p.positions.map((q) => doc.offsetAt(q))))));
  connection.languages.semanticTokens.on((p, token) => guard('semantic tokens', (_token: CancellationToken) => withDoc(p.textDocument.uri, (_doc, { analysis, lines }) =>
    ({ data: getSemanticTokens(analysis.parse.ast, lines) })))(token) ?? { data: [] });

  registerDenialRequests(connection, {
    documents, fs: overlay, index, workspace, indexed: () => indexed, roots: () => [...roots, ...workspace.settings.includeDirs], readLogLines: options.readLogLines,
  });

  documents.listen(connection);
  connection.listen();
}

/** The answer to a request the client cancelled (LSP's RequestCancelled). */
export function cancelledError(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

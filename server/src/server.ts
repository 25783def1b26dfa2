import { CancellationToken, CancellationTokenSource, Connection, LSPErrorCodes, MarkupKind, ResponseError, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CAPABILITIES } from './capabilities';
import { describeFault } from './describeFault';
import { ReadLogLines, registerDenialRequests } from './denialRequests';
import { DiagnosticsPublisher, RunParser } from './diagnosticsPublisher';
import { buildIndex, DEFAULT_MAX_INDEXED, TreeSource } from './indexing';
import {
  CompletionSupport, FileSystem, FormatOptions, getLanguageService, isFragmentPath, isRefusal, MAX_POLICY_FILE_BYTES, OtherFile, ParseStore, pathToUri,
  Snapshot, TextSnapshot, uriToPath, WorkspaceIndex,
} from './service';
import { Settings, withoutUnset, Workspace } from './workspace';
import { trackEdits } from './editTracking';
import { formatOptions } from './formatOptions';
import { DetectedRoots } from './includeRoots';
import { registerParserRequests } from './parserRequests';
import { ProjectConfigs } from './projectConfig';

export interface ServerOptions {
  readonly fs: FileSystem;
  readonly defaults: Settings;
  /** The real apparmor_parser, where the platform has one (Node, not the browser). */
  readonly runParser?: RunParser;
  /** The disk as the workspace indexer walks it; without it (the browser) nothing is indexed. */
  readonly tree?: TreeSource;
  /** Reads a log file a line at a time, where the platform has files (Node). */
  readonly readLogLines?: ReadLogLines;
  /** Included files' parses from earlier sessions (Node), for the first diagnostics. */
  readonly parses?: ParseStore;
}

/** How long indexing waits for the editor's first documents to be checked (ms). */
const INDEX_GRACE_MS = 200;

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
  const workspace = new Workspace(overlay, options.defaults, options.parses);
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
      connection.console.error(`${name} failed: ${describeFault(e)}`);
      return null;
    }
  };
  /** The same for notifications: logged, never thrown into the event loop. */
  const safely = <A extends unknown[]>(name: string, fn: (...args: A) => void) => (...args: A): void => {
    try {
      fn(...args);
    } catch (e) {
      connection.console.error(`${name} failed: ${describeFault(e)}`);
    }
  };

  const publisher = new DiagnosticsPublisher(connection, documents, workspace, options.runParser);
  const project = new ProjectConfigs(overlay, (m) => connection.console.error(m));
  publisher.policy = (path, text, ast, diagnostics) => project.apply(workspace.analyzer, path, text, ast, diagnostics);
  /** What the user set (the client sends only those); it wins over `.apparmor-lint.json`, which wins over defaults. */
  let userSettings: Partial<Settings> = {};
  let firstFile: string[] = [];
  const configured = (): Settings => ({ ...options.defaults, ...project.settingsFor(roots, firstFile), ...userSettings });
  const schedule = (doc: TextDocument): void => publisher.schedule(doc);

  let canPullConfiguration = false;
  let completionSupport: CompletionSupport = { snippets: false, markdown: false };
  /** Settings come from `workspace/configuration` (section `apparmor`) where the client offers it. */
  const pullSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    const pulled = ((await connection.workspace.getConfiguration('apparmor')) ?? {}) as Partial<Settings>;
    userSettings = withoutUnset(pulled);
    workspace.configure(detected.apply(configured()));
    documents.all().forEach(schedule);
  };
  connection.onInitialized(() => {
    // After the settings, which hold the index's limit; a client that never answers does not hold it up long.
    const pulled = pullSettings().catch((e: unknown) => connection.console.error(`settings: ${describeFault(e)}`));
    const settled = Promise.race([pulled, new Promise((resolve) => setTimeout(resolve, 2000))]);
    // The editor opens its documents right after initialized: their first diagnostics come
    // before the index's reading (a second of it for a large tree), unless none opens soon.
    const opened = Promise.race([publisher.firstPublished, new Promise((resolve) => setTimeout(resolve, INDEX_GRACE_MS))]);
    indexed = Promise.all([settled, opened]).then(async () => {
      if (!options.tree) return;
      const max = workspace.settings.indexMaxFiles;
      const limits = { maxEntries: Number.isInteger(max) && max! > 0 ? max! : DEFAULT_MAX_INDEXED, maxFileBytes: MAX_POLICY_FILE_BYTES };
      const outcome = await buildIndex(connection, index, options.tree, [...roots, ...workspace.settings.includeDirs], limits, stopIndexing.token, () => publisher.busy);
      // Only a complete index can say a program has no profile.
      if (!outcome.cancelled && !outcome.limited && outcome.files > 0) {
        workspace.knowProfiles({ has: (p) => index.hasProfileFor(p) });
        documents.all().forEach(schedule);
      }
    }).catch((e: unknown) => connection.console.error(`indexing failed: ${describeFault(e)}`));
  });
  connection.onShutdown(() => stopIndexing.cancel());
  workspace.onDependentsChanged = (changed) => {
    for (const doc of documents.all()) if (doc.uri !== changed) schedule(doc);
  };
  connection.onDidChangeConfiguration(() => void pullSettings().catch((e: unknown) => connection.console.error(`settings: ${describeFault(e)}`)));
  // A .apparmor-lint.json created, changed or deleted (the client watches them).
  connection.onDidChangeWatchedFiles(safely('config files', () => {
    project.clear();
    workspace.configure(detected.apply(configured()));
    documents.all().forEach(schedule);
  }));

  connection.onInitialize((params) => {
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    const item = params.capabilities.textDocument?.completion?.completionItem;
    completionSupport = { snippets: item?.snippetSupport ?? false, markdown: item?.documentationFormat?.includes(MarkupKind.Markdown) ?? false };
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- clients without workspace folders still send only rootUri
    if (roots.length === 0 && params.rootUri) roots = [uriToPath(params.rootUri)];
    const init = (params.initializationOptions ?? {}) as Partial<Settings>;
    detected.learn(roots, []);
    userSettings = withoutUnset(init);
    workspace.configure(detected.apply(configured()));
    return { capabilities: CAPABILITIES, serverInfo: { name: 'apparmor-language-server' } };
  });

  // A file opened inside an include root's tree makes that root known.
  documents.onDidOpen((e) => {
    // Without a workspace folder, the first file's configuration gives the include folders.
    const viaFile = roots.length === 0 && firstFile.length === 0 && project.forFile(uriToPath(e.document.uri)) !== undefined;
    if (viaFile) firstFile = [uriToPath(e.document.uri)];
    if (!detected.learn([], [uriToPath(e.document.uri)]) && !viaFile) return;
    workspace.configure(detected.apply(configured()));
    documents.all().forEach(schedule);
  });
  // Fires on open as well as on every change. Expectations files test the profiles: a profile's edit re-checks them.
  const scheduleTests = (changed: TextDocument): void => {
    if (!isTest(changed)) for (const doc of documents.all()) if (isTest(doc)) schedule(doc);
  };
  documents.onDidChangeContent(safely('change', (e) => {
    schedule(e.document);
    scheduleTests(e.document);
  }));
  documents.onDidSave(safely('save', (e) => {
    index.update(uriToPath(e.document.uri), e.document.getText());
    void publisher.checkSaved(e.document).catch((err: unknown) => connection.console.error(`apparmor_parser check failed: ${describeFault(err)}`));
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

  const service = getLanguageService({
    analyzer: () => workspace.analyzer,
    index,
    includeNames: () => workspace.includeNames(),
    otherFiles,
    folders: () => roots,
    isOpen: (path) => documents.get(pathToUri(path)) !== undefined,
  });

  /** Expectations files (`*.apparmor-test`) have their own features; the AppArmor ones answer nothing there. */
  const isTest = (doc: TextDocument): boolean => service.isExpectations(doc.uri, doc.languageId);
  publisher.other = { is: isTest, diagnose: (doc) => service.diagnoseExpectations({ uri: doc.uri, text: doc.getText() }) };
  const withTestDoc = <R>(uri: string, fn: (doc: TextSnapshot) => R): R | null => {
    const doc = documents.get(uri);
    return doc && isTest(doc) ? fn({ uri: doc.uri, text: doc.getText() }) : null;
  };

  /** Runs a feature on an open document's current analysis; null for unknown documents. */
  const withDoc = <R>(uri: string, fn: (doc: Snapshot) => R): R | null => {
    const doc = documents.get(uri);
    if (!doc || isTest(doc)) return null;
    const { text, analysis, lines } = workspace.get(doc);
    return fn({ uri: doc.uri, text, analysis, lines, offsetAt: (p) => doc.offsetAt(p) });
  };
  /** A rename that would reach files outside the workspace folders is refused, with a message the editor shows. */
  const refusedAsError = <R>(answer: R): Exclude<R, { refused: string }> => {
    if (isRefusal(answer)) throw new ResponseError(LSPErrorCodes.RequestFailed, answer.refused);
    return answer as Exclude<R, { refused: string }>;
  };

  connection.onHover(guard('hover', (p) => withTestDoc(p.textDocument.uri, (doc) => service.doExpectationHover(doc, p.position))
    ?? withDoc(p.textDocument.uri, (doc) => service.doHover(doc, p.position))));
  connection.onCompletion(guard('completion', (p) => withTestDoc(p.textDocument.uri, (doc) => service.doExpectationComplete(doc, p.position, { support: completionSupport }))
    ?? withDoc(p.textDocument.uri, (doc) => service.doComplete(doc, p.position, { triggerCharacter: p.context?.triggerCharacter, support: completionSupport }))));
  connection.onDocumentSymbol(guard('symbols', (p) => withDoc(p.textDocument.uri, (doc) => service.findDocumentSymbols(doc))));
  connection.onFoldingRanges(guard('folding', (p) => withDoc(p.textDocument.uri, (doc) => service.getFoldingRanges(doc))));
  connection.onCodeAction(guard('code actions', (p) => withDoc(p.textDocument.uri, (doc) => service.getCodeActions(doc, p.context.diagnostics))));
  connection.onDefinition(guard('definition', (p) => withDoc(p.textDocument.uri, (doc) => service.findDefinition(doc, p.position))));
  connection.onWorkspaceSymbol(guard('workspace symbols', (p) => service.findWorkspaceSymbols(p.query)));
  connection.onReferences(guard('references', (p) => withDoc(p.textDocument.uri, (doc) => service.findReferences(doc, p.position))));
  connection.onDocumentHighlight(guard('highlight', (p) => withDoc(p.textDocument.uri, (doc) => service.findDocumentHighlights(doc, p.position))));
  connection.onPrepareRename(guard('prepare rename', (p) => withDoc(p.textDocument.uri, (doc) => refusedAsError(service.prepareRename(doc, p.position)))));
  connection.onRenameRequest(guard('rename', (p) => withDoc(p.textDocument.uri, (doc) => refusedAsError(service.doRename(doc, p.position, p.newName)))));
  connection.onDocumentRangeFormatting(guard('range formatting', (p) => withDoc(p.textDocument.uri, (doc) => service.format(doc, p.range, formatOptionsOf(p.options)))));
  connection.onDocumentFormatting(guard('formatting', (p) => withDoc(p.textDocument.uri, (doc) => service.format(doc, undefined, formatOptionsOf(p.options)))));
  connection.onSelectionRanges(guard('selection ranges', (p) => withDoc(p.textDocument.uri, (doc) => service.getSelectionRanges(doc, p.positions))));
  connection.languages.semanticTokens.on((p, token) => guard('semantic tokens', (_token: CancellationToken) => withDoc(p.textDocument.uri, (doc) =>
    ({ data: service.getSemanticTokens(doc) })))(token) ?? { data: [] });

  registerDenialRequests(connection, {
    documents, fs: overlay, index, workspace, indexed: () => indexed, roots: () => [...roots, ...workspace.settings.includeDirs], readLogLines: options.readLogLines,
  });

  registerParserRequests(connection, publisher);

  documents.listen(connection);
  connection.listen();
}

/** The answer to a request the client cancelled (LSP's RequestCancelled). */
function cancelledError(): ResponseError {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

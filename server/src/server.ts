import { Connection, Diagnostic, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostics } from './service/diagnostics';
import { doComplete } from './service/features/doComplete';
import { doRename, prepareRename } from './service/features/doRename';
import { findDefinition } from './service/features/findDefinition';
import { findDocumentHighlights, findReferences } from './service/features/findReferences';
import { getCodeActions } from './service/features/getCodeActions';
import { uriToPath } from './service/uri';
import { profilesOf } from './service/walk';
import { doHover } from './service/features/doHover';
import { findDocumentSymbols } from './service/features/findDocumentSymbols';
import { formatDocument } from './service/features/format';
import { getFoldingRanges } from './service/features/getFoldingRanges';
import { getSelectionRanges } from './service/features/getSelectionRanges';
import { getSemanticTokens, SEMANTIC_LEGEND } from './service/features/getSemanticTokens';
import type { FileSystem } from './service/includes';
import { mergeDiagnostics, parserDiagnostics } from './service/mergeParserDiagnostics';
import type { ParserMessage, ParserRun } from './service/parserMessages';
import { Settings, Workspace } from './workspace';

export interface ServerOptions {
  readonly fs: FileSystem;
  readonly defaults: Settings;
  /** The real apparmor_parser, where the platform has one (Node, not the browser). */
  readonly runParser?: (parser: string, path: string, includeDirs: readonly string[], base?: string) => Promise<ParserRun>;
}

/** Wires the language service to a connection; shared by the Node and browser entries. */
export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(options.fs, options.defaults);
  const pending = new Map<string, ReturnType<typeof setImmediate>>();

  // A bug in one feature is logged and answered with nothing; it never takes the server down.
  const guard = <A extends unknown[], R>(name: string, fn: (...args: A) => R) => (...args: A): R | null => {
    try {
      return fn(...args);
    } catch (e) {
      connection.console.error(`${name} failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  };

  /** apparmor_parser's findings from the last save, by URI, until the file changes again. */
  const second = new Map<string, Diagnostic[]>();
  let parserMissingLogged = false;

  const validate = guard('diagnostics', (doc: TextDocument) => {
    const { analysis, lines } = workspace.get(doc);
    const current = documents.get(doc.uri);
    if (!current || current.version !== doc.version) return; // a newer edit will publish
    const ours = toDiagnostics(doc.getText(), analysis.problems, lines);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: mergeDiagnostics(ours, second.get(doc.uri) ?? []) });
  });

  const checkWithParser = async (doc: TextDocument): Promise<void> => {
    const settings = workspace.settings;
    if (!options.runParser || settings.checkOnSave === false) return;
    const run = await options.runParser(settings.parserPath ?? '/usr/sbin/apparmor_parser', uriToPath(doc.uri), settings.includeDirs, settings.base);
    if (!run.available) {
      if (!parserMissingLogged) connection.console.log(`apparmor_parser not found at ${settings.parserPath ?? '/usr/sbin/apparmor_parser'}; saves are checked by this server only.`);
      parserMissingLogged = true;
      return;
    }
    const byUri = parserDiagnostics(run.messages as ParserMessage[], uriToPath(doc.uri), (uri, line) => documents.get(uri)?.getText().split('\n')[line]);
    for (const uri of new Set([...second.keys(), ...byUri.keys()])) {
      second.set(uri, byUri.get(uri) ?? []);
      const open = documents.get(uri);
      if (open) validate(open);
      else void connection.sendDiagnostics({ uri, diagnostics: second.get(uri)! });
    }
  };

  // Checking takes about a millisecond per 500 lines, so edits are checked at once; a burst
  // of changes queued together is checked once, at its last version.
  const schedule = (doc: TextDocument): void => {
    if (pending.has(doc.uri)) return;
    pending.set(doc.uri, setImmediate(() => {
      pending.delete(doc.uri);
      const latest = documents.get(doc.uri);
      if (latest) validate(latest);
    }));
  };

  let canPullConfiguration = false;
  /** Settings come from `workspace/configuration` (section `apparmor`) where the client offers it. */
  const pullSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    const pulled = ((await connection.workspace.getConfiguration('apparmor')) ?? {}) as Partial<Settings>;
    workspace.configure({ ...options.defaults, ...definedOnly(pulled) });
    documents.all().forEach(schedule);
  };
  connection.onInitialized(() => void pullSettings().catch((e: Error) => connection.console.error(`settings: ${e.message}`)));
  connection.onDidChangeConfiguration(() => void pullSettings().catch((e: Error) => connection.console.error(`settings: ${e.message}`)));

  connection.onInitialize((params) => {
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    const init = (params.initializationOptions ?? {}) as Partial<Settings>;
    if (Object.keys(init).length > 0) workspace.configure({ ...options.defaults, ...definedOnly(init) });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '<', '{', '(', '/'] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...SEMANTIC_LEGEND.tokenTypes], tokenModifiers: [...SEMANTIC_LEGEND.tokenModifiers] }, full: true },
      },
      serverInfo: { name: 'apparmor-language-server' },
    };
  });

  // Fires on open as well as on every change; the parser's last verdict is stale after an edit.
  documents.onDidChangeContent((e) => {
    if (e.document.version > 1) second.delete(e.document.uri);
    schedule(e.document);
  });
  documents.onDidSave((e) => void checkWithParser(e.document).catch((err: Error) => connection.console.error(`apparmor_parser check failed: ${err.message}`)));
  documents.onDidClose((e) => {
    const queued = pending.get(e.document.uri);
    if (queued) clearImmediate(queued);
    pending.delete(e.document.uri);
    workspace.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  /** Runs a feature on an open document's current analysis; null for unknown documents. */
  const withDoc = <R>(uri: string, fn: (doc: TextDocument, entry: ReturnType<Workspace['get']>) => R): R | null => {
    const doc = documents.get(uri);
    return doc ? fn(doc, workspace.get(doc)) : null;
  };

  connection.onHover(guard('hover', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    doHover(analysis.parse.ast, lines, doc.offsetAt(p.position), { analyzer: workspace.analyzer, path: uriToPath(doc.uri), text: doc.getText() }))));
  connection.onCompletion(guard('completion', (p) => withDoc(p.textDocument.uri, (doc, { analysis }) => {
    const variables = analysis.parse.ast.items.flatMap((i) => (i.type === 'variable' && i.sigil === '@' ? [i.name.value] : []));
    const profileNames = profilesOf(analysis.parse.ast);
    return doComplete(doc.getText(), doc.offsetAt(p.position), { includeNames: workspace.includeNames(), variables, profileNames });
  })));
  connection.onDocumentSymbol(guard('symbols', (p) => withDoc(p.textDocument.uri, (_doc, { analysis, lines }) =>
    findDocumentSymbols(analysis.parse.ast, lines))));
  connection.onFoldingRanges(guard('folding', (p) => withDoc(p.textDocument.uri, (_doc, { analysis, lines }) =>
    getFoldingRanges(analysis.parse.ast, lines))));

  connection.onCodeAction(guard('code actions', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    getCodeActions(doc.uri, doc.getText(), analysis.parse.ast, lines, p.context.diagnostics))));

  connection.onDefinition(guard('definition', (p) => withDoc(p.textDocument.uri, (doc, { analysis }) =>
    findDefinition(workspace.analyzer, uriToPath(doc.uri), doc.getText(), analysis.parse.ast, doc.offsetAt(p.position)))));
  connection.onReferences(guard('references', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    findReferences(doc.uri, doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position)))));
  connection.onDocumentHighlight(guard('highlight', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    findDocumentHighlights(doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position)))));
  connection.onPrepareRename(guard('prepare rename', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    prepareRename(doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position)))));
  connection.onRenameRequest(guard('rename', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    doRename(doc.uri, doc.getText(), analysis.parse.ast, lines, doc.offsetAt(p.position), p.newName))));

  connection.onDocumentFormatting(guard('formatting', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    formatDocument(doc.getText(), lines, { tabSize: p.options.tabSize, insertSpaces: p.options.insertSpaces }, analysis.fragment))));

  connection.onSelectionRanges(guard('selection ranges', (p) => withDoc(p.textDocument.uri, (doc, { analysis, lines }) =>
    getSelectionRanges(analysis.parse.ast, lines, p.positions.map((q) => doc.offsetAt(q))))));
  connection.languages.semanticTokens.on((p) => guard('semantic tokens', () => withDoc(p.textDocument.uri, (_doc, { analysis, lines }) =>
    ({ data: getSemanticTokens(analysis.parse.ast, lines) })))() ?? { data: [] });

  documents.listen(connection);
  connection.listen();
}

/** Drops unset keys, so an empty setting keeps the default. */
function definedOnly(settings: Partial<Settings>): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0 && k !== 'includeDirs')) out[k] = v;
  return out as Partial<Settings>;
}

import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostics } from './service/diagnostics';
import { foldUnresolved } from './service/foldUnresolved';
import { mergeDiagnostics, parserDiagnostics } from './service/mergeParserDiagnostics';
import type { ParserRun } from './service/parserMessages';
import { uriToPath } from './service/uri';
import type { Workspace } from './workspace';

export type RunParser = (parser: string, path: string, includeDirs: readonly string[], base?: string) => Promise<ParserRun>;

const DEFAULT_PARSER = '/usr/sbin/apparmor_parser';

/** Runs `fn` after the messages already queued: setImmediate in Node, a zero timeout in browsers. */
const defer: (fn: () => void) => unknown = typeof setImmediate === 'function' ? setImmediate : (fn) => setTimeout(fn, 0);

/**
 * Publishes our diagnostics for each version of a document, with apparmor_parser's
 * findings from the last save merged in until the file changes again.
 */
export class DiagnosticsPublisher {
  private readonly pending = new Set<string>();
  private readonly second = new Map<string, Diagnostic[]>();
  private parserMissingLogged = false;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly workspace: Workspace,
    private readonly runParser?: RunParser,
  ) {}

  /**
   * Checking takes about a millisecond per 500 lines, so edits are checked at once; a burst
   * of changes queued together is checked once, at its last version.
   */
  schedule(doc: TextDocument): void {
    if (doc.version > 1) this.second.delete(doc.uri);
    if (this.pending.has(doc.uri)) return;
    this.pending.add(doc.uri);
    defer(() => {
      // A document closed meanwhile is no longer pending and is not published.
      if (!this.pending.delete(doc.uri)) return;
      const latest = this.documents.get(doc.uri);
      if (latest) this.publish(latest);
    });
  }

  /** Checks and publishes; a failure is logged, never thrown into the event loop. */
  publish(doc: TextDocument): void {
    try {
      this.send(doc);
    } catch (e) {
      this.connection.console.error(`diagnostics failed: ${(e as Error).stack ?? e}`);
    }
  }

  private send(doc: TextDocument): void {
    const { analysis, lines } = this.workspace.get(doc);
    const current = this.documents.get(doc.uri);
    if (!current || current.version !== doc.version) return; // a newer edit will publish
    const ours = toDiagnostics(doc.getText(), foldUnresolved(analysis.problems, this.workspace.settings.includeDirs), lines);
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: mergeDiagnostics(ours, this.second.get(doc.uri) ?? []) });
  }

  clear(uri: string): void {
    this.pending.delete(uri);
    this.second.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The second opinion: apparmor_parser -Q -K on the saved file, where it is installed and enabled. */
  async checkSaved(doc: TextDocument): Promise<void> {
    const settings = this.workspace.settings;
    if (!this.runParser || settings.checkOnSave === false) return;
    const parser = settings.parserPath ?? DEFAULT_PARSER;
    const run = await this.runParser(parser, uriToPath(doc.uri), settings.includeDirs, settings.base);
    if (!run.available) {
      if (!this.parserMissingLogged) this.connection.console.log(`apparmor_parser not found at ${parser}; saved files are checked by this server only.`);
      this.parserMissingLogged = true;
      return;
    }
    const lineText = (uri: string, line: number): string | undefined => this.documents.get(uri)?.getText().split('\n')[line];
    const byUri = parserDiagnostics(run.messages, uriToPath(doc.uri), lineText);
    for (const uri of new Set([...this.second.keys(), ...byUri.keys()])) {
      this.second.set(uri, byUri.get(uri) ?? []);
      const open = this.documents.get(uri);
      if (open) this.publish(open);
      else void this.connection.sendDiagnostics({ uri, diagnostics: this.second.get(uri)! });
    }
  }
}

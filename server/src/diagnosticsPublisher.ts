import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { describeFault } from './describeFault';
import type { FileNode, IncludeNode } from './service/ast';
import { toDiagnostics } from './service/diagnostics';
import { foldUnresolved } from './service/foldUnresolved';
import { mergeDiagnostics } from './service/mergeParserDiagnostics';
import type { ParserMessage, ParserRun } from './service/parserMessages';
import { ParserIdentity, placeParserRun } from './service/placeParserRun';
import { uriToPath } from './service/uri';
import type { Workspace } from './workspace';

export type RunParser = (parser: string, path: string, includeDirs: readonly string[], base?: string) => Promise<ParserRun>;

const DEFAULT_PARSER = '/usr/sbin/apparmor_parser';

/** Runs `fn` after the messages already queued: setImmediate in Node, a zero timeout in browsers. */
const defer: (fn: () => void) => unknown = typeof setImmediate === 'function' ? setImmediate : (fn) => setTimeout(fn, 0);

/** apparmor_parser's last word on a document, for the version it read. */
interface ParserVerdict {
  readonly version: number;
  readonly diagnostics: Diagnostic[];
  /** Asked for by a command: shown whole, even where it repeats ours. */
  readonly asked: boolean;
}

/**
 * Publishes our diagnostics for each version of a document, with apparmor_parser's
 * findings merged in: the one owner of parser output, from the check on save and from the
 * client's commands alike. A document's verdict holds until the document changes or is
 * checked again; checking another file leaves it alone.
 */
export class DiagnosticsPublisher {
  private readonly pending = new Set<string>();
  private readonly second = new Map<string, ParserVerdict>();
  private parserMissingLogged = false;
  private published: () => void = () => undefined;
  /** Settles when the first diagnostics have been sent. */
  readonly firstPublished = new Promise<void>((resolve) => (this.published = resolve));
  /** The project's configuration and suppressions (projectConfig.ts), applied to our findings. */
  policy?: (path: string, text: string, ast: FileNode, diagnostics: Diagnostic[]) => Diagnostic[];
  /** A document of another language (expectations files): its diagnostics, instead of the checker's and the parser's. */
  other?: { is(doc: TextDocument): boolean; diagnose(doc: TextDocument): Diagnostic[] };

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
    if (this.pending.has(doc.uri)) return;
    this.pending.add(doc.uri);
    defer(() => {
      // A document closed meanwhile is no longer pending and is not published.
      if (!this.pending.delete(doc.uri)) return;
      const latest = this.documents.get(doc.uri);
      if (latest) this.publish(latest);
    });
  }

  /** Whether diagnostics are waiting to be published (other work gives way to them). */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Checks and publishes; a failure is logged, never thrown into the event loop. */
  publish(doc: TextDocument): void {
    try {
      this.send(doc);
    } catch (e) {
      this.connection.console.error(`diagnostics failed: ${describeFault(e)}`);
    }
  }

  private send(doc: TextDocument): void {
    if (this.other?.is(doc)) {
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: this.other.diagnose(doc) });
      return;
    }
    const { analysis, lines } = this.workspace.get(doc);
    const current = this.documents.get(doc.uri);
    if (!current || current.version !== doc.version) return; // a newer edit will publish
    const found = toDiagnostics(doc.getText(), foldUnresolved(analysis.problems, this.workspace.settings.includeDirs), lines);
    const ours = this.policy ? this.policy(uriToPath(doc.uri), doc.getText(), analysis.parse.ast, found) : found;
    // The parser read an older text: its lines no longer hold.
    const verdict = this.second.get(doc.uri);
    const theirs = verdict?.version === doc.version ? verdict : undefined;
    const diagnostics = !theirs ? ours : theirs.asked ? [...ours, ...theirs.diagnostics] : mergeDiagnostics(ours, theirs.diagnostics);
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    this.published();
  }

  clear(uri: string): void {
    this.pending.delete(uri);
    this.second.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The second opinion: apparmor_parser -Q -K on the saved file, where it is installed and enabled. */
  async checkSaved(doc: TextDocument): Promise<void> {
    const settings = this.workspace.settings;
    if (!this.runParser || settings.checkOnSave === false || this.other?.is(doc)) return;
    const parser = settings.parserPath ?? DEFAULT_PARSER;
    const read = doc.version;
    const run = await this.runParser(parser, uriToPath(doc.uri), settings.includeDirs, settings.base);
    // Edited while the parser ran: its lines are those of a text that is gone.
    if (this.documents.get(doc.uri)?.version !== read) return;
    if (!run.available) {
      if (!this.parserMissingLogged) this.connection.console.log(`apparmor_parser not found at ${parser}; saved files are checked by this server only.`);
      this.parserMissingLogged = true;
      return;
    }
    const id = { ...(run.version ? { version: run.version } : {}), ...(parser !== DEFAULT_PARSER ? { path: parser } : {}) };
    this.setVerdict(doc.uri, run.messages, id, false);
  }

  /**
   * apparmor_parser's messages from a run the client made (a command), published as this
   * document's verdict; returns how many diagnostics they made, or undefined for a document not open.
   */
  showRun(uri: string, messages: readonly ParserMessage[], id: ParserIdentity): number | undefined {
    return this.setVerdict(uri, messages, id, true);
  }

  private setVerdict(uri: string, messages: readonly ParserMessage[], id: ParserIdentity, asked: boolean): number | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const { analysis, lines } = this.workspace.get(doc);
    const path = uriToPath(uri);
    const analyzer = this.workspace.analyzer;
    const reaches = (include: IncludeNode, file: string): boolean =>
      analyzer.targets(include, path).some((t) => t === file || analyzer.reach(t).closure.has(file));
    const checked = { path, text: doc.getText(), ast: analysis.parse.ast, lines, abi: this.workspace.settings.abi, reaches };
    const diagnostics = placeParserRun(messages, id, checked);
    this.second.set(uri, { version: doc.version, diagnostics, asked });
    this.publish(doc);
    return diagnostics.length;
  }
}

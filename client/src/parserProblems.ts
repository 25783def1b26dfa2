import * as fs from 'fs';
import * as vscode from 'vscode';
import { DiagnosticSeverity as LspSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import { parserDiagnostics } from '../../server/src/service/mergeParserDiagnostics';
import { type ParserMessage, parseParserOutput } from '../../server/src/service/parserMessages';

/**
 * apparmor_parser's messages from the commands, in the Problems view at their file and
 * line (an error in an included abstraction lands on that file). A file's entries go when
 * it is edited, since their lines no longer hold.
 */
export class ParserProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('apparmor_parser');
  /** For each checked file, the files its last run put entries on. */
  private readonly owned = new Map<string, string[]>();
  private readonly listener = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0) this.collection.delete(e.document.uri);
  });

  /** Replaces the entries of the last run on this file; returns how many messages there were. */
  show(checkedPath: string, output: string): number {
    return this.showMessages(checkedPath, parseParserOutput(output));
  }

  /** The same, from messages already read (and placed, for a target's parser). */
  showMessages(checkedPath: string, messages: readonly ParserMessage[]): number {
    for (const uri of this.owned.get(checkedPath) ?? []) this.collection.delete(vscode.Uri.parse(uri));
    const byUri = parserDiagnostics(messages, checkedPath, readLine);
    for (const [uri, list] of byUri) this.collection.set(vscode.Uri.parse(uri), list.map(toVscode));
    this.owned.set(checkedPath, [...byUri.keys()]);
    return [...byUri.values()].reduce((n, l) => n + l.length, 0);
  }

  dispose(): void {
    this.listener.dispose();
    this.collection.dispose();
  }
}

function readLine(uri: string, line: number): string | undefined {
  const path = vscode.Uri.parse(uri).fsPath;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
  if (open) return line < open.lineCount ? open.lineAt(line).text : undefined;
  try {
    return fs.readFileSync(path, 'utf8').split('\n')[line];
  } catch {
    return undefined;
  }
}

function toVscode(d: LspDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const severity = d.severity === LspSeverity.Error ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const out = new vscode.Diagnostic(range, typeof d.message === 'string' ? d.message : d.message.value, severity);
  out.source = d.source ?? 'apparmor_parser';
  return out;
}

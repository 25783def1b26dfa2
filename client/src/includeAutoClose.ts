import * as vscode from 'vscode';

/** Text before a `<` that opens an include or abi target. */
const OPENS_TARGET = /^\s*(?:#?include(?:\s+if\s+exists)?|abi)\s*<$/;

/**
 * Closes `<` with `>` only in include and abi lines. language-configuration.json cannot say
 * "only here", and closing every `<` would spoil `set rlimit nofile <= 1024`. The inserted `>`
 * moves the cursor and so closes the completion list that the `<` opened: it is asked for again.
 */
export function registerIncludeAutoClose(): vscode.Disposable {
  return vscode.workspace.onDidChangeTextDocument((e) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== e.document || e.document.languageId !== 'apparmor') return;
    if (e.reason !== undefined || e.contentChanges.length !== 1) return; // not for undo and redo, nor multi-cursor edits
    const change = e.contentChanges[0]!;
    if (change.text !== '<' || change.rangeLength !== 0) return;
    const after = change.range.start.translate(0, 1);
    const line = e.document.lineAt(after.line).text;
    if (!OPENS_TARGET.test(line.slice(0, after.character)) || line[after.character] === '>') return;
    void editor.edit((b) => b.insert(after, '>'), { undoStopBefore: false, undoStopAfter: false })
      .then((done) => {
        if (!done) return;
        editor.selection = new vscode.Selection(after, after);
        void vscode.commands.executeCommand('editor.action.triggerSuggest');
      });
  });
}

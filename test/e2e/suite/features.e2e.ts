import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeApi, describeDiagnostics, openEditor, positionOf, waitFor } from './helpers';

function hoverText(hovers: readonly vscode.Hover[]): string {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- Hover.contents still types the MarkedString form; this reads either
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

describe('language server features', () => {
  before(() => activeApi());

  it('colours tokens: semantic tokens of several kinds', async () => {
    const { document } = await openEditor('profiles/usr.bin.webapp');
    const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend>('vscode.provideDocumentSemanticTokensLegend', document.uri);
    const tokens = await waitFor('semantic tokens', () =>
      vscode.commands.executeCommand<vscode.SemanticTokens | undefined>('vscode.provideDocumentSemanticTokens', document.uri));
    // Encoded as 5 numbers per token; the 4th is the index of its type in the legend.
    const types = new Set<string>();
    for (let i = 3; i < tokens.data.length; i += 5) types.add(legend.tokenTypes[tokens.data[i]!]!);
    assert.ok(types.size >= 3, `token types seen: ${[...types].join(', ')}`);
    for (const t of ['keyword', 'variable', 'class']) assert.ok(types.has(t), `a ${t} token among ${[...types].join(', ')}`);
  });

  it('publishes the diagnostic of a broken profile at its line', async () => {
    const { document } = await openEditor('profiles/missing-comma.apparmor');
    const line = positionOf(document, '/etc/hosts r').line;
    const found = await waitFor('a missing-comma diagnostic', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => d.source === 'apparmor' && /comma/.test(d.message)));
    assert.equal(found.range.start.line, line, describeDiagnostics(vscode.languages.getDiagnostics(document.uri)));
    assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
  });

  it('explains Px on hover', async () => {
    const { document } = await openEditor('profiles/features.apparmor');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'Px,', 1));
    assert.match(hoverText(hovers), /Discrete profile, scrubbed/);
  });

  it('completes capabilities after "capability "', async () => {
    const { document } = await openEditor('profiles/features.apparmor');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, positionOf(document, 'capability ', 'capability '.length));
    // The contributed snippets are offered everywhere; the server's own items are what is tested.
    const labels = new Set(list.items.filter((i) => i.kind !== vscode.CompletionItemKind.Snippet).map(labelOf));
    for (const cap of ['sys_admin', 'net_admin', 'chown']) assert.ok(labels.has(cap), `${cap} among ${[...labels].slice(0, 20).join(', ')}…`);
    assert.ok(!labels.has('profile'), `no rule keywords where a capability goes: ${[...labels].join(', ')}`);
  });

  it('keeps untitled AppArmor documents working', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'apparmor', content: 'profile scratch {\n  capability sys_admn,\n}\n' });
    await vscode.window.showTextDocument(doc);
    const found = await waitFor('a diagnostic on an untitled document', () =>
      vscode.languages.getDiagnostics(doc.uri).find((d) => /sys_admn/.test(d.message)));
    assert.equal(found.range.start.line, 1);
  });
});

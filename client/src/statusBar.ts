import * as vscode from 'vscode';
import { AbiInfo, describeAbi } from './core/abi';
import type { ServerController, ServerState } from './serverController';

const ICONS: Record<ServerState, string> = { starting: '$(sync~spin)', running: '$(shield)', stopped: '$(warning)' };

export interface StatusSnapshot {
  readonly server: ServerState;
  readonly abi: AbiInfo;
  readonly visible: boolean;
}

/** The server's state and the active file's ABI, shown while an AppArmor file is in front. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('apparmor.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private abi: AbiInfo = { source: 'none' };

  constructor(private readonly server: ServerController) {
    this.item.name = 'AppArmor';
    this.item.command = 'apparmor.showOutput';
    this.subscriptions.push(
      server.onDidChangeState(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === vscode.window.activeTextEditor?.document) this.update(); }),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('apparmor.abi')) this.update(); }),
    );
    this.update();
  }

  snapshot(): StatusSnapshot {
    return { server: this.server.state, abi: this.abi, visible: activeAppArmorDocument() !== undefined };
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }

  private update(): void {
    const doc = activeAppArmorDocument();
    this.abi = doc ? describeAbi(doc.getText(), vscode.workspace.getConfiguration('apparmor', doc.uri).get<string>('abi') || undefined) : { source: 'none' };
    this.render();
  }

  private render(): void {
    if (!activeAppArmorDocument()) {
      this.item.hide();
      return;
    }
    const state = this.server.state;
    this.item.text = `${ICONS[state]} AppArmor${this.abi.version ? ` ${this.abi.version}` : ''}`;
    this.item.tooltip = `Language server: ${state}\nABI: ${abiWords(this.abi)}\nClick for the AppArmor output.`;
    this.item.backgroundColor = state === 'stopped' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}

function abiWords(abi: AbiInfo): string {
  if (abi.source === 'file') return `abi/${abi.version} (the file's abi line)`;
  if (abi.source === 'setting') return `abi/${abi.version} (the apparmor.abi setting)`;
  return 'none given (no abi line, apparmor.abi unset)';
}

function activeAppArmorDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'apparmor' ? doc : undefined;
}

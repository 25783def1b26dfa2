import * as path from 'path';
import * as vscode from 'vscode';
import { readTarget } from './config';
import type { LoadedProfile } from './core/aaStatus';
import { topLevelProfiles } from './core/profiles';
import { RefreshGate } from './core/refreshGate';
import { toShellLine } from './core/shellQuote';
import { describeFileState, Target, targetName } from './core/target';
import { listProfilesFile, targetPlace } from './listLoaded';
import type { Runner } from './runner';

/** Focus comes and goes in bursts; the target is asked again on focus at most this often. */
const FOCUS_GAP_MS = 10_000;

export interface TargetSnapshot {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
  /** What the last answer said of the active file's profiles ("enforce", "not loaded" …). */
  readonly summary?: string;
  /** How many times the target was asked. */
  readonly queries: number;
}

type Known = { readonly key: string; readonly at: Date } & ({ readonly profiles: LoadedProfile[] } | { readonly error: string });

/**
 * With apparmor.target set, a second status item: the target, and whether the active file's
 * profiles are loaded there and in which mode. The target is asked (one `cat` of the kernel's
 * list) when a profile first shows, after Load/Unload/Set Mode, on focus (at most every
 * 10 s) and when the setting changes; switching files reuses the last answer.
 */
export class TargetStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('apparmor.target', vscode.StatusBarAlignment.Right, 99);
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly gate = new RefreshGate(() => this.query());
  private known: Known | undefined;
  private queries = 0;

  constructor(private readonly runner: Runner) {
    this.item.name = 'AppArmor target';
    this.item.command = 'apparmor.showLoadedProfiles';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.showActive()),
      vscode.workspace.onDidSaveTextDocument((d) => { if (d === activeAppArmorDocument()) this.render(); }),
      vscode.window.onDidChangeWindowState((s) => { if (s.focused && this.wanted()) void this.gate.requestIfStale(FOCUS_GAP_MS); }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('apparmor.target')) return;
        this.known = undefined;
        this.showActive();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.showActive()),
    );
    this.render();
    // Asked once activation is over: activation never waits for a process to start.
    setImmediate(() => this.showActive());
  }

  /** After a command that changed what the kernel holds. */
  kernelChanged(): Promise<void> {
    return this.wanted() ? this.gate.request() : Promise.resolve();
  }

  snapshot(): TargetSnapshot {
    const active = activeAppArmorDocument();
    const target = this.target();
    const known = target && this.known?.key === keyOf(target) ? this.known : undefined;
    const state = active && known && 'profiles' in known ? describeFileState(profileNames(active), known.profiles) : undefined;
    return { visible: this.wanted(), text: this.item.text, tooltip: this.item.tooltip instanceof vscode.MarkdownString ? this.item.tooltip.value : this.item.tooltip ?? '', summary: state?.summary, queries: this.queries };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private target(): Target | undefined {
    const setting = readTarget();
    return 'target' in setting ? setting.target : undefined;
  }

  /** A target is set, the workspace trusted (commands run nothing otherwise), and a profile in front. */
  private wanted(): boolean {
    return this.target() !== undefined && vscode.workspace.isTrusted && activeAppArmorDocument() !== undefined;
  }

  private showActive(): void {
    const target = this.target();
    if (this.wanted() && target && this.known?.key !== keyOf(target)) void this.gate.requestIfStale(0);
    this.render();
  }

  private async query(): Promise<void> {
    const target = this.target();
    if (!target) return;
    this.queries++;
    this.render(true);
    const list = await listProfilesFile(targetPlace(this.runner, target));
    this.known = { key: keyOf(target), at: new Date(), ...(list.ok ? { profiles: list.profiles } : { error: list.outcome.message }) };
    this.render();
  }

  private render(busy = false): void {
    const doc = activeAppArmorDocument();
    const target = this.target();
    if (!doc || !target) {
      this.item.hide();
      return;
    }
    const name = targetName(target);
    const lines = [`AppArmor target: ${toShellLine(target)}`];
    const known = this.known?.key === keyOf(target) ? this.known : undefined;
    if (!vscode.workspace.isTrusted) {
      this.item.text = `$(remote) ${name}`;
      lines.push('Not asked: this workspace is not trusted.');
    } else if (!known) {
      this.item.text = `$(sync~spin) ${name}`;
      lines.push('Asking the target…');
    } else if ('error' in known) {
      this.item.text = `$(warning) ${name}: ?`;
      lines.push(known.error);
    } else {
      const state = describeFileState(profileNames(doc), known.profiles);
      this.item.text = `${busy ? '$(sync~spin)' : '$(remote)'} ${name}: ${state.summary}`;
      lines.push(`The profiles of ${path.basename(doc.fileName)} there:`, ...state.details.map((d) => `  ${d}`));
    }
    if (known) lines.push(`As of ${known.at.toLocaleTimeString()}. Click to list the loaded profiles.`);
    this.item.tooltip = lines.join('\n');
    this.item.show();
  }
}

function keyOf(target: Target): string {
  return JSON.stringify(target);
}

function profileNames(doc: vscode.TextDocument): string[] {
  return topLevelProfiles(doc.getText()).flatMap((p) => (p.name ? [p.name.value] : []));
}

function activeAppArmorDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'apparmor' ? doc : undefined;
}

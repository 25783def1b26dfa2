import { promises as fsp } from 'fs';
import * as vscode from 'vscode';
import { readTarget } from './config';
import { AbiInfo, describeAbi } from './core/abi';
import { type LoadedProfile, parseProfilesFile } from './core/aaStatus';
import { describeFileMode, FileMode } from './core/fileMode';
import { topLevelProfiles } from './core/profiles';
import { describeFileState, FileState, PROFILES_FILE } from './core/target';
import type { ServerController, ServerState } from './serverController';

const ICONS: Record<ServerState, string> = { starting: '$(sync~spin)', running: '$(shield)', stopped: '$(warning)' };

export interface StatusSnapshot {
  readonly server: ServerState;
  readonly abi: AbiInfo;
  readonly visible: boolean;
  /** The mode the file's profiles ask for in their flags ("enforce", "complain", "mixed modes"). */
  readonly mode: string;
  /** Whether they are loaded in this machine's kernel, where its list can be read without asking for root. */
  readonly loaded?: string;
  readonly text: string;
}

/** The kernel's list is read again on focus or save at most this often. */
const LOADED_GAP_MS = 10_000;

/**
 * The server's state, the active file's ABI and its profiles' mode, shown while an AppArmor
 * file is in front; with no apparmor.target, also whether they are loaded here when the
 * kernel's list is readable without root (the target's own item says it for a target).
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('apparmor.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private abi: AbiInfo = { source: 'none' };
  private mode: FileMode = { summary: '', details: [] };
  private loaded: { readonly state?: FileState; readonly why?: string; readonly at: number; readonly list?: LoadedProfile[] } | undefined;
  private reading: Promise<void> | undefined;

  constructor(private readonly server: ServerController) {
    this.item.name = 'AppArmor';
    this.item.command = 'apparmor.showOutput';
    this.subscriptions.push(
      server.onDidChangeState(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === vscode.window.activeTextEditor?.document) this.update(); }),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('apparmor.abi') || e.affectsConfiguration('apparmor.target')) this.update(); }),
      vscode.workspace.onDidSaveTextDocument((d) => { if (d === activeAppArmorDocument()) void this.readLoaded(0); }),
      vscode.window.onDidChangeWindowState((s) => { if (s.focused) void this.readLoaded(LOADED_GAP_MS); }),
    );
    this.update();
  }

  snapshot(): StatusSnapshot {
    return { server: this.server.state, abi: this.abi, visible: activeAppArmorDocument() !== undefined, mode: this.mode.summary, loaded: this.loadedState()?.summary, text: this.item.text };
  }

  /** After Load, Unload or Set Mode: the kernel's list read again. */
  kernelChanged(): Promise<void> {
    return this.readLoaded(0);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private update(): void {
    const doc = activeAppArmorDocument();
    this.abi = doc ? describeAbi(doc.getText(), vscode.workspace.getConfiguration('apparmor', doc.uri).get<string>('abi') || undefined) : { source: 'none' };
    this.mode = doc ? describeFileMode(doc.getText()) : { summary: '', details: [] };
    this.render();
    if (doc && !this.loaded) void this.readLoaded(0);
  }

  /** This machine only, and only as far as the file is readable as is: the status bar never asks for a password. */
  private readLoaded(gapMs: number): Promise<void> {
    if (this.reading || !activeAppArmorDocument() || hasTarget()) return this.reading ?? Promise.resolve();
    if (this.loaded && Date.now() - this.loaded.at < gapMs) return Promise.resolve();
    this.reading = fsp.readFile(PROFILES_FILE, 'utf8').then(
      (text) => { this.loaded = { list: parseProfilesFile(text), at: Date.now() }; },
      (e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code;
        this.loaded = { why: code === 'EACCES' || code === 'EPERM' ? 'the kernel\'s list of loaded profiles is readable by root only (Show Loaded Profiles asks for it)' : 'this machine\'s kernel has no AppArmor, or its file system is not mounted', at: Date.now() };
      },
    ).finally(() => {
      this.reading = undefined;
      this.render();
    });
    return this.reading;
  }

  private loadedState(): FileState | undefined {
    const doc = activeAppArmorDocument();
    if (!doc || !this.loaded?.list || hasTarget()) return undefined;
    const names = topLevelProfiles(doc.getText()).flatMap((p) => (p.name ? [p.name.value] : []));
    return names.length > 0 ? describeFileState(names, this.loaded.list) : undefined;
  }

  private render(): void {
    if (!activeAppArmorDocument()) {
      this.item.hide();
      return;
    }
    const state = this.server.state;
    const loaded = this.loadedState();
    const parts = [this.mode.summary, loaded?.summary].filter((p) => p);
    this.item.text = `${ICONS[state]} AppArmor${this.abi.version ? ` ${this.abi.version}` : ''}${parts.length ? ` · ${parts.join(' · ')}` : ''}`;
    const lines = [`Language server: ${state}`, `ABI: ${abiWords(this.abi)}`];
    if (this.mode.details.length) lines.push('Mode (the profiles\' flags):', ...this.mode.details.map((d) => `  ${d}`));
    if (loaded) lines.push('In this machine\'s kernel:', ...loaded.details.map((d) => `  ${d}`));
    else if (hasTarget()) lines.push('Loaded or not: see the target\'s item.');
    else if (this.loaded?.why) lines.push(`Loaded or not: unknown; ${this.loaded.why}.`);
    lines.push('Click for the AppArmor output.');
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = state === 'stopped' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}

function abiWords(abi: AbiInfo): string {
  if (abi.source === 'file') return `abi/${abi.version} (the file's abi line)`;
  if (abi.source === 'setting') return `abi/${abi.version} (the apparmor.abi setting)`;
  return 'none given (no abi line, apparmor.abi unset)';
}

function hasTarget(): boolean {
  const setting = readTarget();
  return 'error' in setting || setting.target !== undefined;
}

function activeAppArmorDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'apparmor' ? doc : undefined;
}

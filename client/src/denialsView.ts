import * as vscode from 'vscode';
import type { DenialGroup, DenialRule, DenialsResult, DenialTarget } from '../../server/src/protocol';
import { groupText, isBlocked, ItemText, plural, ruleText } from './core/denialItems';
import { DenialSource, describeSource, ShownSource, summarizeSources, withSource } from './core/denialSources';

const DENIALS_VIEW = 'apparmorDenials';
/** Set once denials were shown (menus use it). */
const SHOWN_CONTEXT = 'apparmor.denialsShown';
/** `none` before anything was read, `empty` when what was read held no denials, else `shown`: which welcome text the empty view has. */
const STATE_CONTEXT = 'apparmor.denialsState';
/** The view's panel shows once the extension runs (an AppArmor file was opened), not in every window. */
const ACTIVATED_CONTEXT = 'apparmor.activated';

export type DenialNode =
  | { readonly kind: 'group'; readonly group: DenialGroup }
  | { readonly kind: 'rule'; readonly group: DenialGroup; readonly rule: DenialRule };

/** With more than one source, each heads its own profiles. */
type ViewNode = DenialNode | { readonly kind: 'source'; readonly shown: ShownSource };

/** One tree item as shown, for the tests inside VS Code (through the extension's API). */
interface DenialItemSnapshot extends ItemText {
  readonly node: ViewNode;
  readonly contextValue: string;
  /** What a click runs. */
  readonly command?: vscode.Command;
  readonly children: DenialItemSnapshot[];
}

export interface DenialsSnapshot {
  readonly description: string;
  readonly message: string;
  /** What each source is, in the order read. */
  readonly sources: string[];
  readonly items: DenialItemSnapshot[];
}

/**
 * The denials of each source read (a log, the kernel), by profile, with their proposed
 * rules, in a panel of its own. The header names the sources and counts what they held.
 */
export class DenialsView implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly tree: vscode.TreeView<ViewNode>;
  private shown: ShownSource[] = [];

  constructor() {
    // Made at once: the view is always there, and says when empty where it looked and what to try.
    this.tree = vscode.window.createTreeView(DENIALS_VIEW, { treeDataProvider: this, showCollapseAll: true });
    void vscode.commands.executeCommand('setContext', STATE_CONTEXT, 'none');
    void vscode.commands.executeCommand('setContext', ACTIVATED_CONTEXT, true);
  }

  /** Puts a source's denials in (replacing what that source showed before), and brings the view to the front unless told not to. */
  async show(result: DenialsResult, source: DenialSource, reveal = true): Promise<void> {
    this.shown = withSource(this.shown, { source, result });
    const summary = summarizeSources(this.shown);
    this.tree.description = summary.description;
    this.tree.message = summary.message;
    this.tree.badge = summary.badge > 0 ? { value: summary.badge, tooltip: `${summary.badge} proposed rules not in their profiles yet` } : undefined;
    this.changed.fire(undefined);
    await vscode.commands.executeCommand('setContext', SHOWN_CONTEXT, true);
    await vscode.commands.executeCommand('setContext', STATE_CONTEXT, this.shown.some((s) => s.result.groups.length > 0) ? 'shown' : 'empty');
    if (reveal) void vscode.commands.executeCommand(`${DENIALS_VIEW}.focus`).then(undefined, () => undefined);
  }

  /** Back to the empty view, as before anything was read. */
  async clear(): Promise<void> {
    this.shown = [];
    this.tree.description = undefined;
    this.tree.message = undefined;
    this.tree.badge = undefined;
    this.changed.fire(undefined);
    await vscode.commands.executeCommand('setContext', STATE_CONTEXT, 'none');
  }

  /** The node an action from the palette (no argument) acts on. */
  selected(): DenialNode | undefined {
    const node = this.tree.selection[0];
    return node && node.kind !== 'source' ? node : undefined;
  }

  getChildren(node?: ViewNode): ViewNode[] {
    if (!node) return this.shown.length === 1 ? groupsOf(this.shown[0]!) : this.shown.map((shown) => ({ kind: 'source', shown }));
    if (node.kind === 'source') return groupsOf(node.shown);
    return node.kind === 'group' ? node.group.rules.map((rule) => ({ kind: 'rule', group: node.group, rule })) : [];
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    if (node.kind === 'source') return sourceItem(node.shown);
    const text = this.textOf(node);
    const collapsed = node.kind === 'group' && node.group.rules.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(text.label, collapsed);
    item.description = text.description;
    item.tooltip = new vscode.MarkdownString(text.tooltip);
    item.contextValue = contextOf(node);
    item.iconPath = new vscode.ThemeIcon(iconOf(node));
    if (node.group.target) item.command = openCommand(node.group.target);
    return item;
  }

  snapshot(): DenialsSnapshot {
    const snap = (node: ViewNode): DenialItemSnapshot => {
      const item = this.getTreeItem(node);
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip ?? '';
      return {
        node, label: typeof item.label === 'object' ? item.label.label : item.label ?? '', description: String(item.description ?? ''), tooltip, contextValue: item.contextValue ?? '',
        ...(item.command ? { command: item.command } : {}), children: this.getChildren(node).map(snap),
      };
    };
    return { description: this.tree.description ?? '', message: this.tree.message ?? '', sources: this.shown.map((s) => describeSource(s.source)), items: this.getChildren().map(snap) };
  }

  dispose(): void {
    this.tree.dispose();
    this.changed.dispose();
  }

  private textOf(node: DenialNode): ItemText {
    return node.kind === 'group' ? groupText(node.group, Date.now()) : ruleText(node.rule, Date.now());
  }
}

function groupsOf(shown: ShownSource): DenialNode[] {
  return shown.result.groups.map((group) => ({ kind: 'group', group }));
}

function sourceItem({ source, result }: ShownSource): vscode.TreeItem {
  const item = new vscode.TreeItem(describeSource(source), result.groups.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  const rules = result.groups.reduce((n, g) => n + g.rules.length, 0);
  item.description = `${plural(result.records, 'record')} · ${plural(rules, 'rule')} for ${plural(result.groups.length, 'profile')}`;
  item.iconPath = new vscode.ThemeIcon(source.kind === 'log' ? 'file' : 'server');
  item.contextValue = 'apparmorSource';
  return item;
}

/** A denial a deny rule blocks has its own context: Add Rule is not offered for it, Open/Remove the Deny Rule are. */
function contextOf(node: DenialNode): string {
  return node.kind === 'group' ? 'apparmorDenialGroup' : isBlocked(node.rule) ? 'apparmorDenialBlocked' : 'apparmorDenialRule';
}

function iconOf(node: DenialNode): string {
  if (node.kind === 'group') return 'shield';
  if (isBlocked(node.rule)) return 'circle-slash';
  return node.rule.allowed || node.rule.verdict?.status === 'allowed' ? 'pass' : 'circle-outline';
}

/** A click opens the profile file where the rules would go. */
function openCommand(target: DenialTarget): vscode.Command {
  const at = new vscode.Position(target.position.line, target.position.character);
  return { title: 'Open Profile', command: 'vscode.open', arguments: [vscode.Uri.parse(target.uri), { selection: new vscode.Range(at, at), preview: false }] };
}

/** A menu passes the clicked node; anything else (the palette passes nothing) is not one. */
export function asDenialNode(arg: unknown): DenialNode | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const node = arg as Partial<DenialNode>;
  const valid = (node.kind === 'group' || (node.kind === 'rule' && typeof node.rule === 'object')) && typeof node.group === 'object' && node.group !== null;
  return valid ? (node as DenialNode) : undefined;
}

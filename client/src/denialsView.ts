import * as vscode from 'vscode';
import type { DenialGroup, DenialRule, DenialsResult, DenialTarget } from '../../server/src/protocol';
import { groupText, ItemText, ruleText, summarize } from './core/denialItems';

export const DENIALS_VIEW = 'apparmorDenials';
/** Set once denials were shown: the view appears in the Explorer from then on. */
const SHOWN_CONTEXT = 'apparmor.denialsShown';

export type DenialNode =
  | { readonly kind: 'group'; readonly group: DenialGroup }
  | { readonly kind: 'rule'; readonly group: DenialGroup; readonly rule: DenialRule };

/** One tree item as shown, for the tests inside VS Code (through the extension's API). */
export interface DenialItemSnapshot extends ItemText {
  readonly node: DenialNode;
  readonly contextValue: string;
  /** What a click runs. */
  readonly command?: vscode.Command;
  readonly children: DenialItemSnapshot[];
}

export interface DenialsSnapshot {
  readonly description: string;
  readonly message: string;
  readonly items: DenialItemSnapshot[];
}

/** The denials of the last log read, by profile, with their proposed rules. */
export class DenialsView implements vscode.TreeDataProvider<DenialNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DenialNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Made on the first show: the view is hidden until then, and activation stays quick. */
  private tree: vscode.TreeView<DenialNode> | undefined;
  private result: DenialsResult = { groups: [], records: 0, unparsed: 0, unparsedLines: [], skipped: [] };

  /** Replaces what the view shows, and brings it to the front unless told not to. */
  async show(result: DenialsResult, source: string, reveal = true): Promise<void> {
    this.result = result;
    const summary = summarize(result, source);
    this.tree ??= vscode.window.createTreeView(DENIALS_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.tree.description = summary.description;
    this.tree.message = summary.message;
    this.tree.badge = summary.badge > 0 ? { value: summary.badge, tooltip: `${summary.badge} proposed rules not in their profiles yet` } : undefined;
    this.changed.fire(undefined);
    await vscode.commands.executeCommand('setContext', SHOWN_CONTEXT, true);
    if (reveal) void vscode.commands.executeCommand(`${DENIALS_VIEW}.focus`).then(undefined, () => undefined);
  }

  /** The node an action from the palette (no argument) acts on. */
  selected(): DenialNode | undefined {
    return this.tree?.selection[0];
  }

  getChildren(node?: DenialNode): DenialNode[] {
    if (!node) return this.result.groups.map((group) => ({ kind: 'group', group }));
    return node.kind === 'group' ? node.group.rules.map((rule) => ({ kind: 'rule', group: node.group, rule })) : [];
  }

  getTreeItem(node: DenialNode): vscode.TreeItem {
    const text = this.textOf(node);
    const collapsed = node.kind === 'group' && node.group.rules.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(text.label, collapsed);
    item.description = text.description;
    item.tooltip = new vscode.MarkdownString(text.tooltip);
    item.contextValue = contextOf(node);
    item.iconPath = new vscode.ThemeIcon(node.kind === 'group' ? 'shield' : node.rule.allowed ? 'pass' : 'circle-outline');
    if (node.group.target) item.command = openCommand(node.group.target);
    return item;
  }

  snapshot(): DenialsSnapshot {
    const snap = (node: DenialNode): DenialItemSnapshot => {
      const item = this.getTreeItem(node);
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
      return {
        node, label: String(item.label), description: String(item.description ?? ''), tooltip, contextValue: item.contextValue ?? '',
        ...(item.command ? { command: item.command } : {}), children: this.getChildren(node).map(snap),
      };
    };
    return { description: this.tree?.description ?? '', message: this.tree?.message ?? '', items: this.getChildren().map(snap) };
  }

  dispose(): void {
    this.tree?.dispose();
    this.changed.dispose();
  }

  private textOf(node: DenialNode): ItemText {
    return node.kind === 'group' ? groupText(node.group, Date.now()) : ruleText(node.rule, Date.now());
  }
}

function contextOf(node: DenialNode): string {
  return node.kind === 'group' ? 'apparmorDenialGroup' : 'apparmorDenialRule';
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

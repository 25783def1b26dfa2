import * as path from 'path';
import * as vscode from 'vscode';
import { DenialGroup, DenialRule, INSERT_RULES_REQUEST, InsertRulesParams, InsertRulesResult } from '../../server/src/protocol';
import { CommandResult, fail } from './commandResult';
import { plural, suggestedFileName } from './core/denialItems';
import { describeHeld, planRules, RulePlan } from './core/ruleConflicts';
import { endOfInsert } from './core/textEdits';
import type { DenialNode } from './denialsView';
import { DenialDeps, reproposeDenials } from './showDenials';

/** How long to wait for the server's diagnostics of the edited profile before reporting without them. */
const CHECK_WAIT_MS = 5000;
/** Diagnostics come once per check; after this long without more, the check is taken as done. */
const SETTLE_MS = 300;

/**
 * Add Rule / Add Deny Rule: the rule of a denial, or every rule of a profile, put into its
 * block (created where missing), in the file that defines the profile or the one given
 * (made when it does not exist). The file is left unsaved and shown with the rules selected,
 * for the user to read before saving and loading; whether it now has errors is reported.
 */
export async function addDenialRules(deps: DenialDeps, node: DenialNode | undefined, deny: boolean, into?: vscode.Uri): Promise<CommandResult> {
  const picked = node ?? deps.view.selected();
  if (!picked) return fail('noSelection', 'Pick a denial or a profile in the AppArmor Denials view first.');
  const { group } = picked;
  const intoLocated = !into || group.target?.uri === into.toString();
  // Conflicts were found against the located file; in another, the check after inserting tells.
  const plan = planRules(rulesOf(picked), deny, !intoLocated);
  const target = into ? { uri: into.toString(), profile: intoLocated && group.target ? group.target.profile : group.profile } : group.target;
  if (!target) return offerNewFile(deps, group, plan.add);
  return addPlanned(deps, { uri: target.uri, profile: target.profile, rules: plan.add, hat: group.hat }, plan.held);
}

/** The rules that fit go in; those that would keep the profile from loading are named, with why, and offered anyway. */
async function addPlanned(deps: DenialDeps, params: InsertRulesParams, heldBack: RulePlan['held']): Promise<CommandResult> {
  if (heldBack.length === 0) return insertInto(deps, params);
  const held = heldBack.map((h) => h.text);
  const why = describeHeld(heldBack, `${params.profile} in ${path.basename(vscode.Uri.parse(params.uri).path)}`);
  const addAnyway = { title: 'Add Anyway', run: () => insertInto(deps, { ...params, rules: held }) };
  if (params.rules.length === 0) {
    return { ok: false, kind: 'conflict', message: why, actions: [addAnyway, { title: held.length === 1 ? 'Copy Rule' : 'Copy Rules', run: () => copyRules(held) }] };
  }
  const added = await insertInto(deps, params);
  return { ...added, message: `${added.message} ${why}`, actions: [addAnyway] };
}

/** Copy Rule: the rule, or every rule of a profile, one per line. */
export async function copyDenialRules(deps: DenialDeps, node: DenialNode | undefined): Promise<CommandResult> {
  const picked = node ?? deps.view.selected();
  if (!picked) return fail('noSelection', 'Pick a denial or a profile in the AppArmor Denials view first.');
  return copyRules(rulesOf(picked).map((r) => r.text));
}

function rulesOf(node: DenialNode): readonly DenialRule[] {
  return node.kind === 'rule' ? [node.rule] : node.group.rules;
}

async function copyRules(rules: readonly string[]): Promise<CommandResult> {
  const text = rules.join('\n');
  try {
    await vscode.env.clipboard.writeText(text);
  } catch {
    // Some hosts (a headless browser) have no clipboard; the rules are still in the message and the log.
    return { ok: true, kind: 'ok', message: `No clipboard here; the rules are:\n${text}` };
  }
  return { ok: true, kind: 'ok', message: rules.length === 1 ? `Copied: ${text}` : `Copied ${plural(rules.length, 'rule')}.` };
}

function offerNewFile(deps: DenialDeps, group: DenialGroup, rules: string[]): CommandResult {
  return {
    ok: false,
    kind: 'noProfile',
    message: `No file in the workspace or the include folders defines the profile ${group.profile}. Create a profile file for it, or copy the rules.`,
    actions: [
      { title: 'Create Profile File…', run: () => createProfileFile(deps, group, rules) },
      { title: 'Copy Rules', run: () => copyRules(rules) },
    ],
  };
}

async function createProfileFile(deps: DenialDeps, group: DenialGroup, rules: string[]): Promise<CommandResult | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    title: `A new profile file for ${group.profile}`,
    saveLabel: 'Create',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, suggestedFileName(group.profile)) } : {}),
  });
  return uri ? insertInto(deps, { uri: uri.toString(), profile: group.profile, rules, hat: group.hat }) : undefined;
}

async function insertInto(deps: DenialDeps, params: InsertRulesParams): Promise<CommandResult> {
  const answer = await deps.request<InsertRulesResult>(INSERT_RULES_REQUEST, params);
  const uri = vscode.Uri.parse(params.uri);
  const where = `${params.profile} in ${path.basename(uri.path)}`;
  if (answer.edits.length === 0) return { ok: true, kind: 'ok', message: `${where} already has ${params.rules.length === 1 ? 'this rule' : 'these rules'}.` };
  const errors = await errorsAfter(uri, () => applyInsertion(uri, answer));
  await reproposeDenials(deps).catch(() => undefined);
  const what = params.rules.length === 0 ? 'the block' : plural(params.rules.length, params.rules.every((r) => r.startsWith('deny ')) ? 'deny rule' : 'rule');
  const check = errors === 0 ? 'the profile has no errors.' : `the profile has ${plural(errors, 'error')}: see Problems.`;
  return { ok: true, kind: 'ok', message: `Added ${what} to ${where} (not saved yet); ${check}` };
}

async function applyInsertion(uri: vscode.Uri, answer: InsertRulesResult): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  if (answer.newFile) edit.createFile(uri, { ignoreIfExists: true });
  for (const e of answer.edits) edit.replace(uri, toRange(e.range.start, e.range.end), e.newText);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${uri.fsPath}.`);
  const first = answer.edits[0]!;
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { selection: toRange(first.range.start, endOfInsert(first.range.start, first.newText)), preview: false });
}

/** Errors on the file once the server has checked it after `change`, or once the wait is over. */
async function errorsAfter(uri: vscode.Uri, change: () => Promise<void>): Promise<number> {
  const key = uri.toString();
  let settle: NodeJS.Timeout | undefined;
  let giveUp: NodeJS.Timeout | undefined;
  let listener: vscode.Disposable | undefined;
  const checked = new Promise<void>((resolve) => {
    giveUp = setTimeout(resolve, CHECK_WAIT_MS);
    listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === key)) return;
      clearTimeout(settle);
      settle = setTimeout(resolve, SETTLE_MS);
    });
  });
  try {
    await change();
    await checked;
  } finally {
    clearTimeout(settle);
    clearTimeout(giveUp);
    listener?.dispose();
  }
  return vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
}

function toRange(start: { line: number; character: number }, end: { line: number; character: number }): vscode.Range {
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

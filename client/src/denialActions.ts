import * as path from 'path';
import * as vscode from 'vscode';
import { DenialGroup, DenialRule, DenialsResult, INSERT_RULES_REQUEST, InsertRulesParams, InsertRulesResult } from '../../server/src/protocol';
import { CommandResult, fail } from './commandResult';
import { isBlocked, plural } from './core/denialItems';
import { checkNewProfileInput } from './core/newProfile';
import { defaultProgramFor, newProfileFile } from './core/ruleDestination';
import { describeHeld, planRules, RulePlan } from './core/ruleConflicts';
import { endOfInsert } from './core/textEdits';
import type { DenialNode } from './denialsView';
import { editsForLocal, LocalTarget, localTargetOf } from './localOverride';
import { proposedFolder, readSnippets } from './newProfile';
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
  const rules = rulesOf(picked);
  // A deny rule wins over any allow rule: adding one for a blocked denial would change nothing.
  const blocked = deny || !intoLocated ? [] : rules.filter(isBlocked);
  if (blocked.length > 0 && blocked.length === rules.length) return blockedResult(deps, blocked[0]!);
  // Conflicts were found against the located file; in another, the check after inserting tells.
  const plan = planRules(rules.filter((r) => !blocked.includes(r)), deny, !intoLocated);
  let target = into ? { uri: into.toString(), profile: intoLocated && group.target ? group.target.profile : group.profile } : group.target;
  if (!target) return offerNewFile(deps, group, plan.add);
  // A file given that does not exist yet starts as a whole profile, its program guessed from the name.
  if (into && !(await exists(into))) target = { uri: into.toString(), profile: await makeProfileFile(deps, into, group.profile, defaultProgramFor(group.profile)) };
  const added = await addPlanned(deps, { uri: target.uri, profile: target.profile, rules: plan.add, hat: group.hat }, plan.held);
  if (blocked.length === 0) return added;
  return { ...added, message: `${added.message} ${plural(blocked.length, 'denial')} not added: a deny rule blocks ${blocked.length === 1 ? 'it' : 'them'} (${blocked.map((r) => r.text).join(' ')}).` };
}

/** Add Rule on a denial a deny rule blocks: why nothing was added, and the deny rule to open, or, separately, remove. */
function blockedResult(deps: DenialDeps, rule: DenialRule): CommandResult {
  const deciding = rule.verdict!.rules.find((r) => r.effect === 'deny');
  const where = deciding ? ` at ${path.basename(vscode.Uri.parse(deciding.uri).path)}:${deciding.range.start.line + 1}` : '';
  const message = `Not added: ${rule.text} would change nothing, because the deny rule${where} blocks this access, and a deny rule always wins over an allow rule.`;
  if (!deciding) return { ok: false, kind: 'conflict', message };
  return {
    ok: false, kind: 'conflict', message,
    actions: [
      { title: 'Open the Deny Rule', run: () => openDenyRule(deps, rule) },
      { title: 'Remove the Deny Rule…', run: () => removeDenyRule(deps, rule) },
    ],
  };
}

/** Open the Deny Rule: the rule that blocks a denial, selected in its file. */
export async function openDenyRule(_deps: DenialDeps, rule: DenialRule | undefined): Promise<CommandResult> {
  const deciding = rule?.verdict?.rules.find((r) => r.effect === 'deny');
  if (!deciding) return fail('noSelection', 'Pick a denial that a deny rule blocks in the AppArmor Denials view first.');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(deciding.uri));
  await vscode.window.showTextDocument(doc, { selection: toRange(deciding.range.start, deciding.range.end), preview: false });
  return { ok: true, kind: 'ok', message: `The deny rule that blocks ${rule!.text.replace(/,$/, '')}.`, quiet: true };
}

/**
 * Remove the Deny Rule: asked for explicitly, and confirmed, since it weakens the profile;
 * the line is removed unsaved, for the user to read before saving.
 */
export async function removeDenyRule(deps: DenialDeps, rule: DenialRule | undefined): Promise<CommandResult> {
  const deciding = rule?.verdict?.rules.find((r) => r.effect === 'deny');
  if (!deciding) return fail('noSelection', 'Pick a denial that a deny rule blocks in the AppArmor Denials view first.');
  const uri = vscode.Uri.parse(deciding.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText(toRange(deciding.range.start, deciding.range.end));
  const remove = 'Remove';
  const answer = await vscode.window.showWarningMessage(`Remove ${text} from ${path.basename(uri.path)}? The profile then allows what it denied.`, { modal: true }, remove);
  if (answer !== remove) return { ok: false, kind: 'cancelled', message: 'The deny rule was kept.' };
  const line = doc.lineAt(deciding.range.start.line);
  const whole = line.text.trim() === text.trim() ? line.rangeIncludingLineBreak : toRange(deciding.range.start, deciding.range.end);
  const edit = new vscode.WorkspaceEdit();
  edit.delete(uri, whole);
  if (!(await vscode.workspace.applyEdit(edit))) return fail('failed', `Could not edit ${uri.fsPath}.`);
  await vscode.window.showTextDocument(doc, { preview: false });
  await reproposeDenials(deps).catch(() => undefined);
  return { ok: true, kind: 'ok', message: `Removed ${text} from ${path.basename(uri.path)} (not saved yet).` };
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

/** The one denial a node stands for (a profile stands for none). */
export function ruleOf(node: DenialNode | undefined): DenialRule | undefined {
  return node?.kind === 'rule' ? node.rule : undefined;
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

/**
 * Create Profile File…: the program a named profile confines (a path-named one is its own),
 * then where the file goes (proposed in the folder of the workspace's other profiles). The
 * file starts as the snippet's profile; the rules then go in as into any profile.
 */
async function createProfileFile(deps: DenialDeps, group: DenialGroup, rules: string[]): Promise<CommandResult | undefined> {
  const top = group.profile.split('//')[0] ?? group.profile;
  const program = top.startsWith('/') ? top : await vscode.window.showInputBox({
    title: `A new profile file for ${group.profile}`,
    prompt: `The program ${top} confines: the profile attaches to it and lets it map itself (mr)`,
    value: defaultProgramFor(group.profile),
    validateInput: (v) => checkNewProfileInput('program', v),
  });
  if (program === undefined) return undefined;
  const folder = await proposedFolder();
  const fileName = newProfileFile(readSnippets(deps.extensionPath), group.profile, program.trim()).fileName;
  const uri = await vscode.window.showSaveDialog({
    title: `A new profile file for ${group.profile}`,
    saveLabel: 'Create',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
  });
  if (!uri) return undefined;
  const profile = await makeProfileFile(deps, uri, group.profile, program.trim());
  return insertInto(deps, { uri: uri.toString(), profile, rules, hat: group.hat });
}

/** Writes the new profile's file (saved: it holds no rule of the user's yet); resolves with the block the rules go into. */
async function makeProfileFile(deps: DenialDeps, uri: vscode.Uri, logged: string, program: string): Promise<string> {
  const abi = vscode.workspace.getConfiguration('apparmor', uri).get<string>('abi') || undefined;
  const made = newProfileFile(readSnippets(deps.extensionPath), logged, program, abi);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(made.text, 'utf8'));
  return made.profile;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return true;
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

async function insertInto(deps: DenialDeps, params: InsertRulesParams): Promise<CommandResult> {
  const local = await localTargetOf(vscode.Uri.parse(params.uri), params.profile);
  if (local) return insertIntoLocal(deps, params, local);
  const answer = await deps.request<InsertRulesResult>(INSERT_RULES_REQUEST, params);
  const uri = vscode.Uri.parse(params.uri);
  const where = `${params.profile} in ${path.basename(uri.path)}`;
  if (answer.edits.length === 0) return { ok: true, kind: 'ok', message: `${where} already has ${params.rules.length === 1 ? 'this rule' : 'these rules'}.` };
  const errors = await errorsAfter(uri, () => applyInsertion(uri, answer));
  const after = await reproposeDenials(deps).catch(() => undefined);
  const denying = params.rules.every((r) => r.startsWith('deny '));
  const what = params.rules.length === 0 ? 'the block' : plural(params.rules.length, denying ? 'deny rule' : 'rule');
  const check = errors === 0 ? 'the profile has no errors.' : `the profile has ${plural(errors, 'error')}: see Problems.`;
  const effect = denying ? '' : effectOf(after, params);
  return { ok: true, kind: 'ok', message: `Added ${what} to ${where} (not saved yet); ${check}${effect}` };
}

/** What the evaluator says of the added rules' denials once they are in the file: "now allows …", or why not. */
function effectOf(after: readonly DenialsResult[] | undefined, params: InsertRulesParams): string {
  if (!after) return '';
  const rules = after.flatMap((a) => a.groups).filter((g) => g.target?.uri === params.uri).flatMap((g) => g.rules).filter((r) => params.rules.includes(r.text) && r.verdict);
  if (rules.length === 0) return '';
  const notYet = rules.filter((r) => r.verdict!.status !== 'allowed');
  if (notYet.length === 0) return ` It now allows ${rules.map((r) => `${r.operation} (${r.text.replace(/,$/, '')})`).join(', ')}.`;
  return ` It does not allow ${notYet.map((r) => `${r.text.replace(/,$/, '')}: ${r.verdict!.message}`).join('; ')}.`;
}

/** apparmor.addRule.destination = local: into the override the profile includes, next to rules of their kinds. */
async function insertIntoLocal(deps: DenialDeps, params: InsertRulesParams, local: LocalTarget): Promise<CommandResult> {
  const where = `${local.includePath}, the local override of ${params.profile}`;
  const { edit, added, first } = await editsForLocal(local, params.rules);
  if (added === 0) return { ok: true, kind: 'ok', message: `${where} already has ${params.rules.length === 1 ? 'this rule' : 'these rules'}.` };
  const errors = await errorsAfter(local.uri, async () => {
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${local.uri.fsPath}.`);
    const doc = await vscode.workspace.openTextDocument(local.uri);
    await vscode.window.showTextDocument(doc, { preview: false, ...(first ? { selection: first } : {}) });
  });
  await reproposeDenials(deps).catch(() => undefined);
  const check = errors === 0 ? 'it has no errors.' : `it has ${plural(errors, 'error')}: see Problems.`;
  return { ok: true, kind: 'ok', message: `Added ${plural(added, 'rule')} to ${where} (not saved yet); ${check}` };
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

import type { CondRuleNode, FileNode, FileRuleNode, ProfileNode, RuleNode } from '../ast';
import type { DiagnosticCode } from '../diagnosticRules';
import { walkItems } from '../walk';
import { parsePerms, PERM } from './checkFileRule';
import { ProblemSink } from './problems';

/**
 * Capabilities that hand a confined program most of the machine. Others in the hover's
 * list of powerful ones (setuid, dac_override …) are common in real profiles; these are rare
 * enough that each deserves a second look.
 */
const RISKY_CAPABILITIES: ReadonlySet<string> = new Set(['sys_admin', 'sys_module', 'mac_admin', 'mac_override', 'sys_rawio', 'bpf']);

/** The codes of this check: advice on valid policy, each a warning or information. */
export const SECURITY_CODES: readonly DiagnosticCode[] = [
  'unconfined-exec', 'exec-no-profile', 'writable-executable', 'wide-write', 'risky-capability', 'bare-file-rule', 'raw-network', 'log-write',
];

/** Transitions that may leave the program with no confinement at all. */
const UNCONFINED = /^(?:[pPcC]?[uU]x)$/;
/** Transitions to a discrete profile that must exist (`pix` falls back to inheriting, so it is not among them). */
const DISCRETE = /^[pP]x$/;
/** Paths that let the program write anywhere, or anywhere in a home. */
const WIDE_EXACT = new Set(['/**', '/{,**}', '@{HOME}/**', '@{HOME}/{,**}', '/home/**', '/home/*/**', '/home/{,**}', '/home/*/{,**}']);
/** A path that names a log file. */
const LOG_FILE = /^\/var\/log\/|\.log$/;

/** Whether the path token is a program named exactly (no glob, no variable), whose profile may be looked for. */
function isExactProgram(path: string): boolean {
  return path.startsWith('/') && !/[*?[{@]/.test(path);
}

/** What the workspace knows of profiles, for `Px` to a program that has none. */
export interface ProfileLookup {
  /** Whether some profile attaches to (or is named by) this program path or profile name. */
  has(nameOrPath: string): boolean;
}

/**
 * Security advice apparmor_parser does not give: rules that are valid but weaken confinement.
 * Every finding is a warning or less; deny rules deny, so none of them is reported there.
 */
export function checkSecurity(ast: FileNode, sink: ProblemSink, profiles?: ProfileLookup): void {
  walkItems(ast.items, (item, ctx) => {
    if (item.type === 'rule') checkRuleSecurity(item, sink, ctx.blockQualifiers.includes('deny'));
    else if (item.type === 'profile') checkProfileSecurity(item, sink, profiles);
  });
}

/** The findings of one rule (hover asks for them at the cursor). */
export function checkRuleSecurity(rule: RuleNode, sink: ProblemSink, inDenyBlock = false): void {
  if (inDenyBlock || rule.qualifiers.mode?.text === 'deny') return;
  if (rule.kind === 'file') checkFileSecurity(rule, sink);
  else if (rule.kind === 'capability') checkCapabilities(rule, sink);
  else if (rule.kind === 'network') checkNetwork(rule, sink);
}

function checkFileSecurity(rule: FileRuleNode, sink: ProblemSink): void {
  if (!rule.path && !rule.perms && rule.keyword) {
    sink.add('bare-file-rule', rule);
    return;
  }
  if (!rule.perms || !rule.path) return;
  const perms = parsePerms(rule.perms);
  const path = rule.path.value;
  const unconfined = perms.execModes.find((m) => UNCONFINED.test(m));
  if (unconfined) sink.add('unconfined-exec', rule.perms, { mode: unconfined, path: rule.path.text });
  const writes = (perms.bits & (PERM.w | PERM.a)) !== 0;
  if (writes && (perms.execModes.length > 0 || perms.bits & PERM.m)) sink.add('writable-executable', rule.perms, { path: rule.path.text });
  if (writes && WIDE_EXACT.has(path)) sink.add('wide-write', rule.path, { path: rule.path.text });
  else if (perms.bits & PERM.w && !(perms.bits & PERM.a) && LOG_FILE.test(path) && !path.endsWith('/')) sink.add('log-write', rule.perms, { path: rule.path.text });
}

function checkCapabilities(rule: CondRuleNode, sink: ProblemSink): void {
  for (const w of rule.words) if (RISKY_CAPABILITIES.has(w.value)) sink.add('risky-capability', w, { name: w.value });
}

function checkNetwork(rule: CondRuleNode, sink: ProblemSink): void {
  // Raw is how netlink sockets are opened (udev events, routing): it forges no traffic.
  if (rule.words.some((w) => w.value === 'netlink')) return;
  for (const w of rule.words) if (w.value === 'raw' || w.value === 'packet') sink.add('raw-network', w, { type: w.value });
}

/**
 * `Px /usr/bin/foo` with no profile for foo fails at exec time; and writable paths that a
 * rule elsewhere in the profile executes.
 */
function checkProfileSecurity(profile: ProfileNode, sink: ProblemSink, profiles?: ProfileLookup): void {
  const written = new Set<string>();
  const executed: FileRuleNode[] = [];
  const local = new Set<string>();
  for (const item of profile.body.items) if (item.type === 'profile' && item.name) local.add(item.name.value);
  for (const item of profile.body.items) {
    if (item.type !== 'rule' || item.kind !== 'file' || !item.perms || !item.path || item.qualifiers.mode?.text === 'deny') continue;
    const perms = parsePerms(item.perms);
    const writes = (perms.bits & (PERM.w | PERM.a)) !== 0;
    const execs = perms.execModes.length > 0;
    if (writes && !execs) written.add(item.path.value);
    if (execs && !writes) executed.push(item);
    const discrete = perms.execModes.find((m) => DISCRETE.test(m));
    if (!discrete || !profiles) continue;
    const target = item.target?.value ?? item.path.value;
    // A hat of another profile (`a//b`), a namespace (`:ns:name`) or a variable is not looked up.
    if (item.target && /\/\/|^:|^&|@\{|[*?[{]/.test(target)) continue;
    if (item.target ? local.has(target) || profiles.has(target) : !isExactProgram(target) || profiles.has(target)) continue;
    sink.add('exec-no-profile', item.target ?? item.path, { mode: discrete, target });
  }
  for (const rule of executed) if (written.has(rule.path!.value)) sink.add('writable-executable', rule.perms!, { path: rule.path!.text });
}

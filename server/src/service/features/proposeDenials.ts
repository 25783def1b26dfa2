import type { Position, Range } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import type { FileNode } from '../ast';
import { LineIndex } from '../diagnostics';
import { classifyDenial, DenialStatus } from '../evaluate/classifyDenial';
import { loadPolicy, NoSuchProfile, Policy } from '../evaluate/policy';
import { allowsRecord } from '../logs/allows';
import { checkProposals } from '../logs/checkProposals';
import { insertRules } from '../logs/insertRules';
import { LogReader } from '../logs/parseLog';
import { splitProfile } from '../logs/profileName';
import { ProfileProposal, ProposedRule, RuleCollector } from '../logs/proposeRules';
import { findBlocks, RuleSet, ruleSetOf } from '../logs/ruleSet';
import { parse } from '../parser';
import { pathToUri } from '../uri';
import type { LocatedProfile } from './locateProfile';

/** What proposing needs of the world: where profiles are, and file texts as the editor has them. */
export interface DenialSources {
  locate(profile: string): LocatedProfile | undefined;
  read(path: string): string | undefined;
  /** Resolves includes, to tell whether a file already allows what was logged; without it nothing is. */
  readonly analyzer?: Analyzer;
}

/** The rules a log asks for, by profile: the core's answer, which the server turns into its wire shape. */
export interface ProposedDenials {
  readonly groups: ProposedGroup[];
  /** AppArmor records read (every mode, not only denials). */
  readonly records: number;
  /** Lines that looked like AppArmor records but could not be read, and the first of them. */
  readonly unparsed: number;
  readonly unparsedLines: { readonly line: number; readonly text: string }[];
  /** Denials no rule can fix, with the reason. */
  readonly skipped: { readonly line: number; readonly operation: string; readonly reason: string }[];
}

/** One profile's proposed rules; lines are 1-based, times in milliseconds since the epoch. */
export interface ProposedGroup {
  readonly profile: string;
  readonly hat: boolean;
  readonly count: number;
  readonly lastSeen?: number;
  readonly operations: string[];
  readonly rules: ProposedGroupRule[];
  readonly target?: GroupTarget;
}

/** Where a group's rules go in the file that defines its profile. */
interface GroupTarget {
  readonly uri: string;
  readonly profile: string;
  readonly matchedBy: 'name' | 'attachment';
  readonly position: Position;
  readonly blockExists: boolean;
}

export interface ProposedGroupRule {
  readonly text: string;
  readonly deny: string;
  readonly literals: string[];
  readonly class: string;
  readonly count: number;
  readonly lastSeen?: number;
  readonly operation: string;
  readonly operations: string[];
  readonly samples: { readonly line: number; readonly fields: Record<string, string> }[];
  /** The located file already allows every access logged. */
  readonly allowed: boolean;
  /** Why the rule cannot go into the located file as it stands. */
  readonly conflict?: string;
  /** What the evaluator says of the logged accesses against the located file as it is now. */
  readonly verdict?: ProposedVerdict;
}

/** The evaluator's word on a proposed rule's accesses, with the rules that decide. */
interface ProposedVerdict {
  readonly status: DenialStatus;
  readonly message: string;
  readonly rules: { readonly uri: string; readonly range: Range; readonly effect: 'allow' | 'deny' }[];
}

/** Unreadable lines reported: a long log must not make a huge answer. */
const MAX_UNPARSED = 20;

interface ProfileFile {
  readonly path: string;
  readonly text: string;
  readonly ast: FileNode;
  readonly lines: LineIndex;
}

/**
 * The rules a log's denials ask for, by profile, each profile placed in the file that
 * defines it at the spot where its rules would be inserted, and each rule marked when that
 * file already allows what was logged.
 */
export function proposeDenials(text: string, options: { literal?: boolean }, sources: DenialSources): ProposedDenials {
  return proposeDenialsFrom((log) => log.addText(text), options, sources);
}

/**
 * proposeDenials over a log fed a line at a time (`feed` calls `addLine` for each): memory
 * follows the distinct rules, not the records.
 */
export function proposeDenialsFrom(feed: (log: LogReader) => void, options: { literal?: boolean }, sources: DenialSources): ProposedDenials {
  const collector = new RuleCollector({ generalise: !options.literal });
  const log = new LogReader((r) => collector.add(r), MAX_UNPARSED);
  feed(log);
  const proposals = collector.finish();
  const files = new Map<string, ProfileFile | undefined>();
  const load = (path: string): ProfileFile | undefined => {
    if (!files.has(path)) files.set(path, readProfileFile(path, sources));
    return files.get(path);
  };
  return {
    groups: proposals.profiles.map((p) => toGroup(p, sources, load)),
    records: log.records,
    unparsed: log.unparsed,
    unparsedLines: log.unparsedLines.map((u) => ({ line: u.line + 1, text: u.text })),
    skipped: proposals.skipped.map((s) => ({ line: s.record.line + 1, operation: s.record.operation, reason: s.reason })),
  };
}

function readProfileFile(path: string, sources: DenialSources): ProfileFile | undefined {
  const text = sources.read(path);
  return text === undefined ? undefined : { path, text, ast: parse(text).ast, lines: new LineIndex(text) };
}

function toGroup(p: ProfileProposal, sources: DenialSources, load: (path: string) => ProfileFile | undefined): ProposedGroup {
  const located = sources.locate(p.profile);
  const file = located ? load(located.path) : undefined;
  const target = located && file ? targetOf(p, located, file) : undefined;
  const set = located && file && sources.analyzer ? ruleSetOf(sources.analyzer, file.path, file.ast, located.profile) : undefined;
  const policy = set && located && file && sources.analyzer ? policyFor(sources.analyzer, file, located.profile) : undefined;
  const conflicts = located && file && sources.analyzer
    ? checkProposals(sources.analyzer, file, located.profile, p.rules.map((r) => r.text), { hat: p.hat })
    : new Map<string, string>();
  const operations = [...new Set(p.rules.flatMap((r) => r.operations))];
  return {
    profile: p.profile,
    hat: p.hat,
    count: p.count,
    ...(p.lastSeen !== undefined ? { lastSeen: p.lastSeen } : {}),
    operations: operations.length > 0 || !p.hat ? operations : ['change_hat'],
    rules: p.rules.map((r) => toRule(r, set, conflicts.get(r.text), policy)),
    ...(target ? { target } : {}),
  };
}

/** Where the group's rules go: the start of the insertion, or the block itself when it holds them all. */
function targetOf(p: ProfileProposal, located: LocatedProfile, file: ProfileFile): GroupTarget {
  const chain = findBlocks(file.ast, located.profile);
  const edits = insertRules(file.text, file.ast, located.profile, p.rules, { hat: p.hat });
  const block = chain[chain.length - 1];
  const position = edits[0]?.range.start ?? (block ? file.lines.positionAt(block.start) : { line: 0, character: 0 });
  return {
    uri: pathToUri(file.path),
    profile: located.profile,
    matchedBy: located.matchedBy,
    position,
    blockExists: chain.length === splitProfile(located.profile).length,
  };
}

function policyFor(analyzer: Analyzer, file: ProfileFile, profile: string): Policy | undefined {
  try {
    return loadPolicy(analyzer, file, profile);
  } catch (e) {
    if (e instanceof NoSuchProfile) return undefined;
    throw e;
  }
}

function verdictOf(policy: Policy, r: ProposedRule): ProposedVerdict {
  const c = classifyDenial(policy, r.accesses);
  return {
    status: c.status, message: c.message,
    rules: c.rules.map((x) => ({ uri: pathToUri(x.file), range: policy.rangeOf(x), effect: x.deny ? 'deny' : 'allow' })),
  };
}

function toRule(r: ProposedRule, set: RuleSet | undefined, conflict: string | undefined, policy?: Policy): ProposedGroupRule {
  return {
    text: r.text,
    deny: r.deny,
    literals: [...r.literals],
    class: r.class,
    count: r.count,
    ...(r.lastSeen !== undefined ? { lastSeen: r.lastSeen } : {}),
    operation: r.operation,
    operations: [...r.operations],
    samples: r.samples.map((rec) => ({ line: rec.line + 1, fields: { ...rec.fields } })),
    allowed: set !== undefined && r.accesses.every((rec) => allowsRecord(set, rec)),
    ...(conflict !== undefined ? { conflict } : {}),
    ...(policy ? { verdict: verdictOf(policy, r) } : {}),
  };
}

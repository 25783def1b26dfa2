/**
 * One profile's policy as the evaluator reads it: the rule set (includes, abstractions and
 * tunables resolved), the ABI that says which classes are mediated, the profiles an exec
 * can move to, and the place of every rule for the answer.
 */
import type { Range } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import type { FileNode, ProfileNode } from '../ast';
import { declaredAbi } from '../checks/checkVersions';
import { walkLists } from '../deep';
import { LineIndex } from '../diagnostics';
import { splitProfile } from '../logs/profileName';
import { findBlocks, RuleSet, ruleSetOf, ScopedRule } from '../logs/ruleSet';
import { parse } from '../parser';

export interface Policy {
  readonly profile: string;
  readonly set: RuleSet;
  /** `X.Y` from the file's `abi` line, else the one assumed; undefined when neither. */
  readonly abi?: string;
  readonly block: ProfileNode;
  /** The profile blocks at the top of the file: targets of `px`. */
  readonly peers: readonly ProfileNode[];
  rangeOf(rule: ScopedRule): Range;
}

export interface PolicyFile {
  readonly path: string;
  readonly text: string;
  readonly ast?: FileNode;
}

/** Thrown when the file has no such profile; the message says which it has. */
export class NoSuchProfile extends Error {}

/** The names of a file's profiles, hats and children, `parent//child` style. */
export function profileNames(ast: FileNode): string[] {
  const out: string[] = [];
  // Children nest a thousand deep: a stack of our own (deep.ts), each list with its prefix.
  walkLists<{ type: string }, string>(ast.items, '', (item, prefix) => {
    if (item.type !== 'profile') return undefined;
    const p = item as ProfileNode;
    if (!p.name) return undefined;
    const name = prefix + p.name.value;
    out.push(name);
    return [{ items: p.body.items, state: `${name}//` }];
  });
  return out;
}

/** The policy of `profile` (default: the file's first profile) in a file, with its includes. */
export function loadPolicy(analyzer: Analyzer, file: PolicyFile, profile?: string, assumedAbi?: string): Policy {
  const ast = file.ast ?? parse(file.text).ast;
  const names = profileNames(ast);
  const name = profile ?? names[0];
  const known = names.length > 0 ? `it has ${names.map((n) => `'${n}'`).join(', ')}` : 'it has none';
  if (name === undefined) throw new NoSuchProfile(`${file.path} holds no profile`);
  const set = ruleSetOf(analyzer, file.path, ast, name);
  const chain = findBlocks(ast, name);
  const block = chain[chain.length - 1];
  if (!set || !block || chain.length !== splitProfile(name).length) throw new NoSuchProfile(`${file.path} has no profile '${name}': ${known}`);
  const lines = new Map<string, LineIndex>([[file.path, new LineIndex(file.text)]]);
  const indexOf = (path: string): LineIndex => {
    let index = lines.get(path);
    if (!index) {
      index = new LineIndex(analyzer.load(path)?.text ?? '');
      lines.set(path, index);
    }
    return index;
  };
  const abi = declaredAbi(ast) ?? assumedAbi;
  return {
    profile: name, set, block, ...(abi !== undefined ? { abi } : {}),
    peers: ast.items.filter((i): i is ProfileNode => i.type === 'profile'),
    rangeOf: (r) => {
      const index = indexOf(r.file);
      return { start: index.positionAt(r.rule.start), end: index.positionAt(r.rule.end) };
    },
  };
}

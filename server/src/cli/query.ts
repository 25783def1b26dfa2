import * as nodePath from 'path';
import type { Range } from 'vscode-languageserver-types';
import { MAX_PROFILE_BYTES, readText } from '../node/boundedRead';
import { defaultIncludeDirs } from '../node/lintFiles';
import { nodeFileSystem } from '../node/nodeFileSystem';
import { Analyzer } from '../service/analyze';
import { AccessSyntaxError, evaluate, loadPolicy, NoSuchProfile, parseAccess, Policy, Verdict } from '../service/evaluate';
import type { LintArgs } from './args';
import { complain, inWords, Output } from './output';

export interface QueryResult {
  readonly access: string;
  readonly profile: string;
  readonly verdict: Verdict['verdict'];
  readonly audit: boolean;
  readonly reason: Verdict['reason'];
  readonly message: string;
  readonly rules: readonly { readonly path: string; readonly range: Range; readonly effect: 'allow' | 'deny' }[];
}

export function analyzerFor(args: LintArgs): Analyzer {
  return new Analyzer({
    fs: nodeFileSystem,
    includeDirs: defaultIncludeDirs(args.includeDirs),
    base: args.base ? nodePath.resolve(args.base) : undefined,
    abi: args.abi,
  });
}

/** A policy file read and resolved, or the one line that says why it could not be. */
export function readPolicy(analyzer: Analyzer, path: string, profile: string | undefined, maxBytes: number, abi?: string): Policy | string {
  let text: string;
  try {
    text = readText(path, maxBytes, 'a profile');
  } catch (e) {
    return `cannot read ${path === '-' ? 'standard input' : path}: ${inWords(e)}`;
  }
  try {
    return loadPolicy(analyzer, { path: nodePath.resolve(path), text }, profile, abi);
  } catch (e) {
    if (e instanceof NoSuchProfile) return e.message.replace(nodePath.resolve(path), path);
    throw e;
  }
}

/** A verdict as the contract words it: places as given on the command line, ranges 0-based. */
export function resultOf(access: string, policy: Policy, verdict: Verdict, given: string): QueryResult {
  const abs = nodePath.resolve(given);
  return {
    access, profile: policy.profile, verdict: verdict.verdict, audit: verdict.audit, reason: verdict.reason, message: verdict.message,
    rules: verdict.rules.map((r) => ({ path: r.file === abs ? given : r.file, range: policy.rangeOf(r), effect: r.deny ? 'deny' : 'allow' })),
  };
}

/**
 * `apparmor-lint --query FILE [--profile NAME] ACCESS…`: one verdict per ACCESS, in order.
 * Exit status 0 once answered; 2 when FILE cannot be read, has no such profile, or an ACCESS
 * is not one.
 */
export function printQuery(args: LintArgs, out: Output): number {
  const file = args.query!;
  const queries = [];
  for (const text of args.paths) {
    try {
      queries.push({ text, query: parseAccess(text) });
    } catch (e) {
      if (!(e instanceof AccessSyntaxError)) throw e;
      complain(e.message);
      return 2;
    }
  }
  const policy = readPolicy(analyzerFor(args), file, args.profile, args.maxSize ?? MAX_PROFILE_BYTES, args.abi);
  if (typeof policy === 'string') { complain(policy); return 2; }
  const results = queries.map(({ text, query }) => resultOf(text, policy, evaluate(policy, query.access), file));
  if (args.format === 'json') out.line(JSON.stringify({ results }));
  else for (const r of results) for (const line of resultText(r)) out.line(line);
  return 0;
}

/** `'r /etc/shadow': denied (deny-rule) …` then each deciding rule at its place. */
export function resultText(r: QueryResult): string[] {
  const audit = r.audit ? (r.verdict === 'allowed' ? ', audited' : '') : (r.verdict === 'denied' ? ', quietly' : '');
  return [
    `${r.profile}: '${r.access}': ${r.verdict}${audit} [${r.reason}]: ${r.message}`,
    ...r.rules.map((x) => `  ${x.path}:${x.range.start.line + 1}:${x.range.start.character + 1}: ${x.effect} rule`),
  ];
}

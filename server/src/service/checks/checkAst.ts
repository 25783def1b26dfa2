import type { FileNode, VariableNode } from '../ast';
import { compareVersions } from '../data/facts';
import { walkItems } from '../walk';
import { checkCondRule, checkRlimitRule } from './checkCondRule';
import { checkFileRule, checkLinkRule } from './checkFileRule';
import { checkProfile, checkQualifierBlock, checkQualifiers } from './checkProfile';
import { declaredAbi, versionChecker } from './checkVersions';
import { Problem, ProblemSink } from './problems';

export interface AstCheckOptions {
  /** ABI version to hold constructs against (`'3.0'`, `'4.0'` …); from the file's abi line when absent. */
  readonly abi?: string;
}

/**
 * Findings carried over from the previous version of a file: the first `kept` of `items`
 * are the very nodes checked then, and `problems` what they gave, in order.
 */
export interface KeptFindings {
  readonly items: readonly unknown[];
  readonly kept: number;
  readonly problems: readonly Problem[];
}

/** Checks that need only one file's tree: names, permissions, flags, qualifiers, versions. */
export function checkAst(ast: FileNode, options: AstCheckOptions = {}, carried?: KeptFindings): Problem[] {
  const sink = new ProblemSink();
  const checkVersions = versionChecker(ast, options.abi, sink);
  const abi = declaredAbi(ast) ?? options.abi;
  const boolExpressions = abi !== undefined && compareVersions(abi, '5.0') >= 0;
  // Each check looks at one node only, so a node checked before gives what it gave then.
  const firstOf = carried && ((items: readonly unknown[]): number => {
    if (items !== carried.items) return 0;
    for (const p of carried.problems) sink.problems.push(p);
    return carried.kept;
  });
  walkItems(ast.items, (item) => {
    checkVersions?.(item);
    switch (item.type) {
      case 'variable':
        if (!boolExpressions) checkBoolValue(item, sink);
        break;
      case 'profile':
        checkProfile(item, sink);
        break;
      case 'qualifierBlock':
        checkQualifierBlock(item, sink);
        checkQualifiers(item.qualifiers, sink);
        break;
      case 'rule':
        checkQualifiers(item.qualifiers, sink);
        if (item.kind === 'file') checkFileRule(item, sink);
        else if (item.kind === 'link') checkLinkRule(item, sink);
        else if (item.kind === 'rlimit') checkRlimitRule(item, sink);
        else checkCondRule(item, sink);
        break;
    }
  }, undefined, firstOf);
  return sink.problems;
}

/**
 * Before 5.0 a boolean takes `true` or `false` (any case, quoted or not) and nothing else,
 * not even another variable; 5.0 reads the value as an expression.
 */
function checkBoolValue(item: VariableNode, sink: ProblemSink): void {
  const e = item.expr;
  if (item.sigil !== '$' || e?.kind !== 'term' || /^(true|false)$/i.test(e.token.value)) return;
  sink.add('bool-value', e.token, { name: item.name.value, value: e.token.text });
}

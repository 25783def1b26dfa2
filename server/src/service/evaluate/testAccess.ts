/** The editor's "Test Access…": accesses against the profile at the cursor, verdicts with their places as URIs. */
import type { Position, Range } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import type { BodyItem, ProfileNode, TopItem } from '../ast';
import { LineIndex } from '../diagnostics';
import { parse } from '../parser';
import { pathToUri } from '../uri';
import { evaluate } from './evaluate';
import { parseAccess } from './parseAccess';
import { loadPolicy } from './policy';

/** One access's answer, with the deciding rules as URIs and ranges. */
export interface AccessAnswer {
  readonly access: string;
  readonly profile: string;
  readonly verdict: 'allowed' | 'denied' | 'unknown';
  readonly audit: boolean;
  readonly reason: string;
  readonly message: string;
  readonly rules: { readonly uri: string; readonly range: Range; readonly effect: 'allow' | 'deny' }[];
}

/** The `parent//child` name of the innermost profile around an offset. */
export function profileAt(items: readonly (TopItem | BodyItem)[], offset: number, prefix = ''): string | undefined {
  // One path down, in a loop: children nest a thousand deep.
  let found: string | undefined;
  let list: readonly (TopItem | BodyItem)[] | undefined = items;
  while (list) {
    const p: ProfileNode | undefined = list.find((item): item is ProfileNode => item.type === 'profile' && !!item.name && offset >= item.start && offset <= item.end);
    list = undefined;
    if (p) {
      found = (found === undefined ? prefix : `${found}//`) + p.name!.value;
      list = p.body.items;
    }
  }
  return found;
}

/** Throws AccessSyntaxError for an access that is not one, NoSuchProfile for a profile the file lacks. */
export function testAccess(analyzer: Analyzer, file: { path: string; text: string }, accesses: readonly string[], profile?: string, position?: Position): AccessAnswer[] {
  const ast = parse(file.text).ast;
  const name = profile ?? (position ? profileAt(ast.items, new LineIndex(file.text).offsetAt(position)) : undefined);
  const queries = accesses.map((a) => ({ text: a, access: parseAccess(a).access }));
  const policy = loadPolicy(analyzer, { path: file.path, text: file.text, ast }, name);
  return queries.map(({ text, access }) => {
    const v = evaluate(policy, access);
    return {
      access: text, profile: policy.profile, verdict: v.verdict, audit: v.audit, reason: v.reason, message: v.message,
      rules: v.rules.map((r) => ({ uri: pathToUri(r.file), range: policy.rangeOf(r), effect: r.deny ? 'deny' : 'allow' })),
    };
  });
}

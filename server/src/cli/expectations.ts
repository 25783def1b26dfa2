import * as fs from 'fs';
import * as nodePath from 'path';
import { MAX_PROFILE_BYTES, readText } from '../node/boundedRead';
import type { Analyzer } from '../service/analyze';
import { evaluate, Policy, profileNames } from '../service/evaluate';
import { Expectation, parseExpectations } from '../service/evaluate/expectations';
import { parse } from '../service/parser';
import type { LintArgs } from './args';
import { analyzerFor, readPolicy, resultOf, resultText } from './query';
import { complain, inWords, Output } from './output';

/**
 * `apparmor-lint --test FILE…`: each expectation evaluated; every failure printed with the
 * rules that decided it. Exit 1 when one fails, 2 when a file or profile cannot be read.
 */
export function checkExpectations(args: LintArgs, out: Output): number {
  const analyzer = analyzerFor(args);
  const maxBytes = args.maxSize ?? MAX_PROFILE_BYTES;
  let total = 0;
  let failed = 0;
  let broken = false;
  for (const path of args.paths) {
    let text: string;
    try {
      text = readText(path, maxBytes, 'an expectations file');
    } catch (e) {
      complain(`cannot read ${path}: ${inWords(e)}`);
      broken = true;
      continue;
    }
    const { items, problems } = parseExpectations(text);
    for (const p of problems) { out.line(`${path}:${p.line + 1}: error: ${p.message}`); broken = true; }
    const policies = new Map<string, Policy | string>();
    for (const item of items) {
      total++;
      const failure = check(item, path, analyzer, policies, maxBytes, args.abi);
      if (failure === undefined) continue;
      failed++;
      for (const line of failure) out.line(line);
    }
  }
  out.line(`${total} expectation${total === 1 ? '' : 's'}, ${failed} failed.`);
  if (broken) return 2;
  return failed > 0 ? 1 : 0;
}

/** The failure's lines, or undefined when the expectation holds. */
function check(item: Expectation, path: string, analyzer: Analyzer, policies: Map<string, Policy | string>, maxBytes: number, abi?: string): string[] | undefined {
  const where = `${path}:${item.line + 1}`;
  const file = item.file !== undefined ? (nodePath.isAbsolute(item.file) ? item.file : nodePath.join(nodePath.dirname(path), item.file)) : findProfileFile(nodePath.dirname(path), item.profile, maxBytes);
  if (file === undefined) return [`${where}: error: no file beside ${path} holds profile '${item.profile}' (name it with a 'file PATH' line)`];
  const key = `${file}\0${item.profile}`;
  if (!policies.has(key)) policies.set(key, readPolicy(analyzer, file, item.profile, maxBytes, abi));
  const policy = policies.get(key)!;
  if (typeof policy === 'string') return [`${where}: error: ${policy}`];
  const verdict = evaluate(policy, item.query.access);
  const wanted = item.expect === 'allow' ? 'allowed' : 'denied';
  if (verdict.verdict === wanted) return undefined;
  const [head, ...rules] = resultText(resultOf(item.accessText, policy, verdict, file));
  return [`${where}: expected ${item.expect} ${item.profile} '${item.accessText}', got ${head!.slice(head!.indexOf(': ') + 2).replace(/^'[^']*': /, '')}`, ...rules];
}

/** The first file of the folder (not recursing) whose profiles include `profile`. */
function findProfileFile(dir: string, profile: string, maxBytes: number): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const full = nodePath.join(dir, name);
    try {
      if (!fs.statSync(full).isFile() || fs.statSync(full).size > maxBytes) continue;
      const text = fs.readFileSync(full, 'utf8');
      if (!text.includes(profile.split('//')[0]!)) continue;
      if (profileNames(parse(text).ast).includes(profile)) return full;
    } catch {
      continue;
    }
  }
  return undefined;
}

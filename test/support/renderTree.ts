/**
 * The readable form of a parse, for the parser's golden files: one line per node or token,
 * indented by depth, with its place as line:column (1-based, columns in UTF-16 units).
 *
 * The walk is generic over the tree's objects, so a field added to the AST shows up in the
 * goldens without a change here. Keys are printed in sorted order, a node's own words before
 * the nodes it holds (the order the parser happens to build an object in is not part of the
 * tree); `true` flags are printed after
 * the place and `false` ones left out; empty lists and objects that print nothing are left
 * out too.
 */
import type { Problem } from '../../server/src/service/checks/problems';
import { LineIndex } from '../../server/src/service/diagnostics';

type Node = Record<string, unknown>;

/** Keys that hold the rest of the file: printed last, in this order, under the rest of their node. */
const BLOCKS: readonly string[] = ['items', 'body', 'then', 'else'];

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasSpan = (v: Node): boolean => typeof v['start'] === 'number' && typeof v['end'] === 'number';
/** Tokens and comments: printed on one line as their text. */
const isLeaf = (v: Node): boolean => hasSpan(v) && typeof v['text'] === 'string';

export function renderTree(text: string, root: unknown): string {
  const lines = new LineIndex(text);
  const place = (v: Node): string => {
    const a = lines.positionAt(v['start'] as number);
    const b = lines.positionAt(v['end'] as number);
    return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1}`;
  };
  const out: string[] = [];
  const render = (label: string, v: Node, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (isLeaf(v)) {
      const value = typeof v['value'] === 'string' && v['value'] !== v['text'] ? ` = ${JSON.stringify(v['value'])}` : '';
      out.push(`${pad}${label} ${JSON.stringify(v['text'])}${value} ${place(v)}${v['quoted'] === true ? ' quoted' : ''}`);
      return;
    }
    const head = [label];
    for (const key of ['type', 'kind']) if (typeof v[key] === 'string') head.push(v[key] as string);
    if (hasSpan(v)) head.push(place(v));
    const children: [string, unknown][] = [];
    for (const key of Object.keys(v).sort()) {
      const value = v[key];
      if (['type', 'kind', 'start', 'end'].includes(key) || value === undefined || value === false) continue;
      if (value === true) head.push(key);
      else if (typeof value === 'string' || typeof value === 'number') head.push(`${key}=${JSON.stringify(value)}`);
      else children.push([key, value]);
    }
    const mark = out.length;
    out.push(pad + head.join(' '));
    // A node's own words before the nodes it holds (a profile's name before its body).
    const nested = (v: unknown): boolean => (Array.isArray(v) ? v.some(nested) : isObject(v) && !isLeaf(v) && !(hasSpan(v) && Object.keys(v).length === 2));
    const rank = ([key, value]: [string, unknown]): number => (BLOCKS.includes(key) ? 2 + BLOCKS.indexOf(key) : nested(value) ? 1 : 0);
    children.sort((x, y) => rank(x) - rank(y) || (x[0] < y[0] ? -1 : 1));
    for (const [key, value] of children) {
      if (Array.isArray(value)) value.forEach((item, i) => renderValue(`${key}[${i}]`, item, depth + 1));
      else renderValue(key, value, depth + 1);
    }
    // An object with no place, no flag and nothing under it (qualifiers with none) says nothing.
    if (!hasSpan(v) && head.length === 1 && out.length === mark + 1) out.pop();
  };
  const renderValue = (label: string, v: unknown, depth: number): void => {
    if (isObject(v)) render(label, v, depth);
    else out.push(`${'  '.repeat(depth)}${label} ${JSON.stringify(v)}`);
  };
  renderValue('file', root, 0);
  return out.join('\n') + '\n';
}

/** One line per problem: code, place, and its message arguments in sorted order. */
export function renderProblems(text: string, problems: readonly Problem[]): string {
  const lines = new LineIndex(text);
  return problems.map((p) => {
    const a = lines.positionAt(p.start);
    const b = lines.positionAt(p.end);
    const args = Object.keys(p.args).sort().map((k) => `${k}=${JSON.stringify(p.args[k])}`);
    const related = (p.related ?? []).map((r) => `\n  related ${r.path} ${r.range.start.line + 1}:${r.range.start.character + 1} ${JSON.stringify(r.message)}`);
    return [`${p.code} ${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1}`, ...args].join(' ') + related.join('');
  }).join('\n') + (problems.length > 0 ? '\n' : '');
}

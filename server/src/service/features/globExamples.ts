/**
 * A glob read into its parts, the way logs/glob.ts compiles it, to say in words what it
 * matches and to build paths that match it and one that nearly does. The parts follow the
 * matcher's rules exactly (a `*` or `**` that is a whole path component needs a character,
 * `[…]` is a JavaScript class of the same text), so that what is shown is what it decides.
 */
import { readClass as readGlobClass } from '../logs/glob';

export type GlobPart =
  | { readonly t: 'lit'; readonly c: string }
  /** `*` (`deep`: `**`); `minOne`: a whole path component, never empty. */
  | { readonly t: 'star'; readonly deep: boolean; readonly minOne: boolean }
  | { readonly t: 'any' }
  | { readonly t: 'class'; readonly text: string; readonly negated: boolean; readonly re: RegExp }
  | { readonly t: 'alt'; readonly branches: readonly (readonly GlobPart[])[]; readonly text: string };

/**
 * The parts of one path glob (variables already expanded, repeated slashes collapsed as the
 * matcher collapses them), or undefined when it is malformed.
 */
export function readGlob(text: string): GlobPart[] | undefined {
  const glob = text.replace(/\/{2,}/g, '/');
  const state = { i: 0, depth: 0 };
  const parts = readSeq(glob, state, []);
  return parts && state.i >= glob.length ? parts : undefined;
}

/** Reads until the end, or a `,`/`}` that closes the alternation being read. */
function readSeq(glob: string, s: { i: number; depth: number }, out: GlobPart[]): GlobPart[] | undefined {
  while (s.i < glob.length) {
    const c = glob[s.i]!;
    if (c === '\\') {
      if (s.i + 1 >= glob.length) return undefined;
      out.push({ t: 'lit', c: glob[s.i + 1]! });
      s.i += 2;
    } else if (c === '*') {
      let run = 1;
      while (glob[s.i + run] === '*') run++;
      const next = glob[s.i + run];
      const last = out[out.length - 1];
      const minOne = last?.t === 'lit' && last.c === '/' && (next === '/' || next === undefined);
      out.push({ t: 'star', deep: run >= 2, minOne });
      s.i += run;
    } else if (c === '?') { out.push({ t: 'any' }); s.i++; }
    else if (c === '[') {
      const cls = readClass(glob, s.i);
      if (!cls) return undefined;
      out.push(cls.part);
      s.i = cls.end + 1;
    } else if (c === '{') {
      const start = s.i;
      s.i++;
      s.depth++;
      const branches: GlobPart[][] = [];
      for (;;) {
        const branch = readSeq(glob, s, []);
        if (!branch) return undefined;
        branches.push(branch);
        const stop = glob[s.i];
        s.i++;
        if (stop === '}') break;
        if (stop !== ',') return undefined;
      }
      s.depth--;
      out.push({ t: 'alt', branches, text: glob.slice(start, s.i) });
    } else if ((c === ',' || c === '}') && s.depth > 0) return out;
    else if (c === '}') return undefined;
    else { out.push({ t: 'lit', c }); s.i++; }
  }
  return s.depth === 0 ? out : undefined;
}

/** `[…]` as the matcher reads it: the same JavaScript class, so membership is the matcher's. */
function readClass(glob: string, start: number): { part: GlobPart; end: number } | undefined {
  const cls = readGlobClass(glob, start);
  if (!cls) return undefined;
  try {
    return { part: { t: 'class', text: glob.slice(start, cls.end + 1), negated: glob[start + 1] === '^', re: new RegExp(`^${cls.source}$`, 's') }, end: cls.end };
  } catch {
    return undefined;
  }
}

const PLAIN = ['a', 'x', '0', 'e', 'z', 'b', '1', '_', '.', '-', 'Q', 'y'];

/** A character the class takes (which one: the `k`-th that fits), or undefined when none is found. */
function memberOf(part: Extract<GlobPart, { t: 'class' }>, k: number, wanted = true): string | undefined {
  const own = [...part.text.slice(1, -1)].filter((c) => c !== '\\' && c !== '^' && c !== '-');
  const fits = [...new Set([...own, ...PLAIN])].filter((c) => c !== '/' && part.re.test(c) === wanted);
  return fits.length > 0 ? fits[k % fits.length] : undefined;
}

const STAR_FILL = ['app', 'x1', 'data.txt'];
const DEEP_FILL = ['app', 'a/b/c', 'x.d/y'];

/** How to write one part instead of the usual, for a near miss. */
type Override = ReadonlyMap<GlobPart, string>;

/** The `k`-th path the parts stand for: alternatives and fillers vary with `k`. */
function renderGlob(parts: readonly GlobPart[], k: number, override: Override = new Map()): string | undefined {
  let out = '';
  for (const p of parts) {
    const forced = override.get(p);
    if (forced !== undefined) { out += forced; continue; }
    switch (p.t) {
      case 'lit': out += p.c; break;
      case 'star': out += (p.deep ? DEEP_FILL : STAR_FILL)[k % 3]!; break;
      case 'any': out += PLAIN[k % 3]!; break;
      case 'class': {
        const c = memberOf(p, k);
        if (c === undefined) return undefined;
        out += c;
        break;
      }
      case 'alt': {
        const branch = renderGlob(p.branches[k % p.branches.length]!, k, override);
        if (branch === undefined) return undefined;
        out += branch;
        break;
      }
    }
  }
  return out;
}

/** Up to `count` different paths the glob matches. */
export function exampleMatches(glob: string, count = 3): string[] {
  const parts = readGlob(glob);
  if (!parts) return [];
  const out: string[] = [];
  for (let k = 0; k < count * 3 && out.length < count; k++) {
    const path = renderGlob(parts, k);
    if (path !== undefined && !out.includes(path)) out.push(path);
  }
  return out;
}

export interface NearMiss {
  readonly path: string;
  readonly why: string;
}

/** Every part, alternatives' branches included (their first branch is the one an example takes). */
function flatten(parts: readonly GlobPart[]): GlobPart[] {
  return parts.flatMap((p) => (p.t === 'alt' ? [p, ...flatten(p.branches[0]!)] : [p]));
}

/**
 * Paths one change away from the first example, each with why it misses, most telling
 * first. The caller keeps the first one its matcher refuses.
 */
export function nearMissCandidates(glob: string): NearMiss[] {
  const parts = readGlob(glob);
  if (!parts) return [];
  const all = flatten(parts);
  const out: NearMiss[] = [];
  const push = (part: GlobPart, text: string, why: string): void => {
    const path = renderGlob(parts, 0, new Map([[part, text]]));
    if (path !== undefined) out.push({ path, why });
  };
  for (const p of all) {
    if (p.t === 'star' && !p.deep) push(p, 'a/b', '`*` does not match across `/`');
    if (p.t === 'star' && p.minOne) push(p, '', `\`${p.deep ? '**' : '*'}\` as a whole path component needs at least one character`);
    if (p.t === 'any') push(p, 'ab', '`?` is exactly one character');
    if (p.t === 'any') push(p, '/', '`?` is never `/`');
    if (p.t === 'class') {
      const c = memberOf(p, 0, false);
      if (c !== undefined) push(p, c, `\`${c}\` is not one of \`${p.text}\``);
    }
  }
  const first = renderGlob(parts, 0);
  if (first !== undefined) {
    if (first.endsWith('/')) out.push({ path: first.slice(0, -1), why: 'the trailing `/` means a directory: the file of that name is another path' });
    else out.push({ path: `${first}/`, why: 'without a trailing `/` it names a file, not the directory of that name' });
    out.push({ path: `${first}.bak`, why: 'it matches the whole path, not a prefix' });
    const last = first.replace(/[^/]$/, (c) => (c === 'x' ? 'y' : 'x'));
    if (last !== first) out.push({ path: last, why: 'one character differs' });
  }
  // With every star as short as it may be, a changed letter cannot hide in one.
  const shortest = new Map<GlobPart, string>();
  for (const p of all) if (p.t === 'star') shortest.set(p, p.minOne ? 'q' : '');
  for (const p of parts) {
    if (p.t !== 'lit' || p.c === '/') continue;
    const path = renderGlob(parts, 0, new Map([...shortest, [p, p.c === 'x' ? 'y' : 'x'] as const]));
    if (path !== undefined) out.push({ path, why: `the \`${p.c}\` written in it must be there` });
  }
  const short = renderGlob(parts, 0, shortest);
  if (short !== undefined && short.length > 1) out.push({ path: short.slice(0, -1), why: 'it stops one character short' });
  return out;
}

/**
 * A kernel feature set as apparmor_parser's --features-file reads it (the layout of
 * `abi/3.0`, or of /sys/kernel/security/apparmor/features flattened): `name {value}`
 * blocks, nested, values being words.
 */
export interface FeatureNode {
  readonly children: ReadonlyMap<string, FeatureNode>;
  readonly words: readonly string[];
}

export class FeatureFileError extends Error {}

/** Reads the nested blocks; an unbalanced brace is an error with its line. */
export function parseFeatures(text: string): FeatureNode {
  const root = { children: new Map<string, FeatureNode>(), words: [] as string[] };
  const stack = [root];
  let line = 1;
  const re = /\s+|([^\s{}]+)\s*\{|\}|[^\s{}]+/gy;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) {
    const tok = m[0];
    const top = stack[stack.length - 1]!;
    if (/^\s+$/.test(tok)) { line += tok.split('\n').length - 1; continue; }
    if (m[1] !== undefined) {
      const node = { children: new Map<string, FeatureNode>(), words: [] as string[] };
      top.children.set(m[1], node);
      stack.push(node);
      line += tok.split('\n').length - 1;
    } else if (tok === '}') {
      if (stack.length === 1) throw new FeatureFileError(`line ${line}: '}' closes nothing`);
      stack.pop();
    } else top.words.push(tok);
  }
  if (stack.length > 1) throw new FeatureFileError(`a '{' is never closed`);
  return root;
}

/** What the checker holds a profile to under a feature set. */
export interface FeatureLimits {
  /** The newest AppArmor version whose rules the set can all carry (a lower bound). */
  readonly version: string;
  /** Capability names the kernel knows, when the set lists them. */
  readonly caps?: ReadonlySet<string>;
}

function at(node: FeatureNode, ...path: string[]): FeatureNode | undefined {
  let n: FeatureNode | undefined = node;
  for (const p of path) n = n?.children.get(p);
  return n;
}

/**
 * The version follows from the mediation 4.0 brought (user namespaces, POSIX message
 * queues, io_uring); nothing in a feature set tells 4.0 from later ones, so 4.0 is the most
 * it claims.
 */
export function featureLimits(features: FeatureNode): FeatureLimits {
  const has4 = at(features, 'namespaces', 'mask')?.words.includes('userns_create')
    || at(features, 'ipc', 'posix_mqueue') !== undefined
    || at(features, 'io_uring') !== undefined;
  const caps = at(features, 'caps', 'mask')?.words;
  return { version: has4 ? '4.0' : '3.0', ...(caps ? { caps: new Set(caps) } : {}) };
}

/**
 * Profile names as the kernel logs them: `parent//child` for hats and child profiles,
 * `parent//null-/bin/x` for the learning-mode profile of an unknown exec, `:ns:name` for
 * a namespace, `a//&b` for a stack.
 */

/** The path of blocks a logged name stands for: `['parent', 'child']` for `parent//child`. */
export function splitProfile(name: string): string[] {
  let ns = '';
  let rest = name;
  // A namespace prefix may itself be followed by `//` (`:ns://name`): it stays with the first name.
  const m = /^(:[^:]*:(?:\/\/)?)/.exec(name);
  if (m) { ns = m[1]!; rest = name.slice(ns.length); }
  const parts = rest.split('//');
  parts[0] = ns + parts[0];
  return parts;
}

export function joinProfile(parts: readonly string[]): string {
  return parts.join('//');
}

/**
 * The block a denial's rule belongs in. What a null profile (`parent//null-…`) was
 * refused is what the parent would need had it inherited (ix), so it goes to the parent.
 */
export function blockOf(profile: string | undefined): { profile: string } | { reason: string } {
  if (!profile) return { reason: 'the record names no profile' };
  if (profile === 'unconfined') return { reason: 'the process was unconfined: there is no profile to add a rule to' };
  const parts = splitProfile(profile);
  if (parts.some((p) => p.startsWith('&'))) return { reason: `"${profile}" is a stack of profiles: add the rule to the profile that denied it` };
  const null_ = parts.findIndex((p) => p.startsWith('null-'));
  const kept = null_ < 0 ? parts : parts.slice(0, null_);
  if (kept.length === 0 || kept.some((p) => p === '')) return { reason: `"${profile}" is not a profile name` };
  return { profile: joinProfile(kept) };
}

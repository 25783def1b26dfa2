/** The include search path with `folder` first: what "Set the include path…" writes. */
export function withIncludeDir(current: readonly string[], folder: string): string[] {
  const clean = folder.replace(/(.)\/+$/, '$1');
  return [clean, ...current.filter((d) => d.replace(/(.)\/+$/, '$1') !== clean)];
}

/** The diagnostic the server gives, once, when includes are not found on the search path. */
export const UNRESOLVED_CODE = 'include-path-unresolved';

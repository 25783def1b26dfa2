import type { ProfileNode } from '../../../server/src/service/ast';
import { parse } from '../../../server/src/service/parser';

/** The file's top-level profiles: hats and children are parts of them, never loaded on their own. */
export function topLevelProfiles(text: string): ProfileNode[] {
  return parse(text).ast.items.filter((i): i is ProfileNode => i.type === 'profile' && !i.hat);
}

/** The top-level profile around an offset, or the file's first profile when the offset is outside all of them. */
export function profileNameAt(text: string, offset: number): string | undefined {
  const profiles = topLevelProfiles(text).filter((p) => p.name);
  const around = profiles.find((p) => p.start <= offset && offset <= p.end);
  return (around ?? profiles[0])?.name?.value;
}

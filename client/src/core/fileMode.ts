import { topLevelProfiles } from './profiles';

/** Flags that set a profile's mode; without one a profile enforces. */
const MODE_FLAGS = ['complain', 'kill', 'unconfined', 'prompt', 'default_allow', 'enforce'];

export interface FileMode {
  /** For the status bar: "enforce", "complain", "mixed modes", or "" when the file has no profile. */
  readonly summary: string;
  /** One line per top-level profile. */
  readonly details: string[];
}

/** The mode each top-level profile of the file asks for in its flags (as aa-complain and aa-enforce write them). */
export function describeFileMode(text: string): FileMode {
  const profiles = topLevelProfiles(text);
  const modes = profiles.map((p) => {
    const flags = (p.flags ?? []).map((f) => f.name.value);
    return { name: p.name?.value ?? '(unnamed)', mode: MODE_FLAGS.find((m) => flags.includes(m)) ?? 'enforce' };
  });
  const distinct = [...new Set(modes.map((m) => m.mode))];
  const summary = distinct.length === 0 ? '' : distinct.length === 1 ? distinct[0]! : 'mixed modes';
  return { summary, details: modes.map((m) => `${m.name}: ${m.mode}`) };
}

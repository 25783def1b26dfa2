/** What the settings mean before they reach the server or a command line. */

/** The keys of the server's `Settings` (server/src/workspace.ts); a test keeps the two in step. */
export const SERVER_SETTING_KEYS = ['includeDirs', 'base', 'abi', 'parserPath', 'checkOnSave', 'formatModernIncludes',
  'format.modernIncludes', 'format.sortPermissions', 'format.spacing', 'indexMaxFiles'] as const;

/** Settings only the extension reads. */
export const CLIENT_SETTING_KEYS = ['privilege', 'target', 'trace.server', 'dockerImage', 'denials.source', 'denials.literalPaths', 'addRule.destination'] as const;

/** Settings that name programs or their arguments: ignored in untrusted workspaces (package.json's restrictedConfigurations). */
export const RESTRICTED_SETTING_KEYS = ['parserPath', 'privilege', 'target', 'includeDirs', 'base'] as const;

export const DEFAULT_PARSER = '/usr/sbin/apparmor_parser';

/**
 * The section as the server should see it: only its keys, unset and empty values dropped
 * so the server keeps its own defaults (an empty includeDirs means "/etc/apparmor.d where
 * it exists"), and no apparmor_parser on save in an untrusted workspace.
 */
export function settingsForServer(section: Readonly<Record<string, unknown>>, trusted: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const v = section[key];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[key] = v;
  }
  if (!trusted) out.checkOnSave = false;
  return out;
}

/** A program named without a folder is looked up in PATH and the sbin folders, which a user's PATH often lacks. */
export function findProgram(name: string, pathEnv: string, isFile: (path: string) => boolean): string {
  if (name.includes('/')) return name;
  const dirs = [...pathEnv.split(':').filter(Boolean), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  return dirs.map((d) => `${d.replace(/\/$/, '')}/${name}`).find(isFile) ?? name;
}

/**
 * Folder settings as paths: `${workspaceFolder}` replaced, and a relative path taken from
 * the workspace folder (apparmor_parser and the server would take it from their own
 * working folder, which means nothing to the user).
 */
export function resolveFolderSetting(value: string, workspaceFolder: string | undefined): string {
  const replaced = workspaceFolder ? value.replace(/\$\{workspaceFolder\}/g, workspaceFolder) : value;
  if (replaced.startsWith('/') || !workspaceFolder) return replaced;
  return `${workspaceFolder.replace(/\/$/, '')}/${replaced.replace(/^\.\//, '')}`;
}

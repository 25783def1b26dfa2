/** The order apparmor's tools write file permissions in; the formatter and the rules proposed from logs share it. */
const PERM_ORDER = 'mrwalk';

/** Plain letters first in the order m r w a l k, then the exec transition as written. */
export function orderPerms(perms: string): string {
  const exec = /(?:[pPcC][iIuU]?|[iIuU])[xX]|[xX]/.exec(perms);
  const rest = exec ? perms.slice(0, exec.index) + perms.slice(exec.index + exec[0].length) : perms;
  if (!/^[mrwalk]*$/.test(rest) || (exec && /[xX]/.test(rest))) return perms;
  const letters = [...rest].sort((a, b) => PERM_ORDER.indexOf(a) - PERM_ORDER.indexOf(b)).join('');
  return letters + (exec ? exec[0] : '');
}

/**
 * What the grammar marks as dangerous (scopes ending in `.dangerous.apparmor`),
 * so that a theme can make risky grants stand out. These are judgements about
 * risk, not language facts, which is why they live beside the grammar and not
 * in the server's fact tables; the tests check that every name here is a real
 * capability, family or flag.
 */

/**
 * Capabilities that amount to root or let a process escape or rewrite its
 * confinement: loading modules, raw device I/O, tracing other processes,
 * bypassing file permissions, changing credentials, or administering the MAC
 * policy itself.
 */
export const DANGEROUS_CAPABILITIES: readonly string[] = [
  'sys_admin', 'sys_module', 'sys_rawio', 'sys_ptrace', 'sys_boot', 'mac_admin', 'mac_override',
  'dac_override', 'dac_read_search', 'setuid', 'setgid', 'setpcap', 'setfcap', 'fowner',
  'net_admin', 'bpf', 'perfmon', 'linux_immutable', 'audit_control', 'checkpoint_restore',
];

/** Raw and packet sockets can forge or sniff any traffic on the host. */
export const DANGEROUS_NETWORK_FAMILIES: readonly string[] = ['packet'];
export const DANGEROUS_NETWORK_TYPES: readonly string[] = ['raw', 'packet'];

/** Profile flags that switch enforcement off for everything the rules do not deny. */
export const DANGEROUS_FLAGS: readonly string[] = ['unconfined', 'default_allow'];

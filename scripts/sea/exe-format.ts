// Which platform an executable is for, read from its first bytes (ELF, PE), so a
// downloaded Node binary or a built kubectl-kfstore is checked against its target. Pure.
import type { Target } from './targets.ts';

const ELF_MACHINE: Record<number, Target['arch'] | undefined> = { 62: 'amd64', 183: 'arm64' };
const PE_MACHINE: Record<number, Target['arch'] | undefined> = { 34404: 'amd64', 43620: 'arm64' };

/** `head`: at least the first 4 KiB of the file. Undefined when it is none of the known formats. */
export function executableTarget(head: Buffer): Target | undefined {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    // 64-bit little-endian ELF: e_machine at 18.
    const arch = head[4] === 2 && head[5] === 1 ? ELF_MACHINE[head.readUInt16LE(18)] : undefined;
    return arch === undefined ? undefined : { os: 'linux', arch };
  }
  if (head.length >= 0x40 && head.toString('latin1', 0, 2) === 'MZ') {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 > head.length || head.toString('latin1', pe, pe + 4) !== 'PE\0\0') return undefined;
    const arch = PE_MACHINE[head.readUInt16LE(pe + 4)];
    return arch === undefined ? undefined : { os: 'windows', arch };
  }
  return undefined;
}

// Reading and writing certificate/key pairs on disk.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyPairPem } from './ca.ts';

export type PairFileNames = { cert: string; key: string };

export const DEFAULT_PAIR_NAMES: PairFileNames = { cert: 'tls.crt', key: 'tls.key' };

/**
 * Writes both files via temp file + rename in the same directory, so a watcher never
 * reads a truncated file. Both temp files are written before either rename to keep
 * the window where cert and key disagree as short as possible.
 */
export async function writePairAtomically(
  dir: string,
  pair: KeyPairPem,
  names: PairFileNames = DEFAULT_PAIR_NAMES,
): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, names.cert);
  const keyFile = join(dir, names.key);
  const certTmp = tempPath(dir, names.cert);
  const keyTmp = tempPath(dir, names.key);
  try {
    await writeDurably(certTmp, pair.certPem, 0o644);
    await writeDurably(keyTmp, pair.keyPem, 0o600);
    await rename(keyTmp, keyFile);
    await rename(certTmp, certFile);
  } catch (err) {
    await Promise.all([unlink(certTmp).catch(() => {}), unlink(keyTmp).catch(() => {})]);
    throw err;
  }
  return { certFile, keyFile };
}

/** Returns undefined if either file does not exist. */
export async function readPair(dir: string, names: PairFileNames = DEFAULT_PAIR_NAMES): Promise<KeyPairPem | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([readFile(join(dir, names.cert), 'utf8'), readFile(join(dir, names.key), 'utf8')]);
    return { certPem, keyPem };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function tempPath(dir: string, name: string): string {
  return join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function writeDurably(path: string, contents: string, mode: number): Promise<void> {
  // 'wx' + mode: the key is never readable by others, not even briefly.
  const fh = await open(path, 'wx', mode);
  try {
    await fh.chmod(mode); // umask may have stripped bits we want (e.g. 0644 for the cert)
    await fh.writeFile(contents);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

// File-system failures (a dangling symbolic link, a loop, a file where a directory belongs) are the
// user's to fix: one line naming the path, and the flag it came from, never "internal error".
import { PluginError } from './cli/errors.ts';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a path component is not a directory',
  ELOOP: 'symbolic link loop',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
};

function errno(e: unknown): { code: string; syscall?: string; path?: string } | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, syscall, path } = e as NodeJS.ErrnoException;
  if (typeof code !== 'string' || (REASONS[code] === undefined && code !== 'EEXIST')) return undefined;
  return { code, ...(syscall !== undefined ? { syscall } : {}), ...(path !== undefined ? { path } : {}) };
}

/** Why a file-system call failed, in words; undefined when `e` is not a file-system error. */
export function fsReason(e: unknown): string | undefined {
  const f = errno(e);
  if (f === undefined) return undefined;
  if (f.code === 'EEXIST') return f.syscall === 'mkdir' ? 'exists and is not a directory' : 'already exists';
  return REASONS[f.code];
}

/**
 * A file-system error as a PluginError naming the path, or the flag whose value led to it (and the
 * path, when it is another one below that value); other errors are returned unchanged.
 */
export function fsUserError(e: unknown, flag?: { name: string; value: string }): unknown {
  const reason = fsReason(e);
  if (reason === undefined) return e;
  const path = errno(e)?.path;
  if (flag === undefined) return new PluginError(`${path ?? 'a file'}: ${reason}`);
  return new PluginError(`${flag.name} ${flag.value}: ${reason}${path !== undefined && path !== flag.value ? ` (${path})` : ''}`);
}

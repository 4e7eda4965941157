// Whether an executable is on PATH, without running it or a shell.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// Node 24's single-executable flow: sea-config.json -> `node --experimental-sea-config` writes a
// blob -> copy a Node binary -> postject the blob into it. (`node --build-sea` only exists from
// v25.5.0.)
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** From Node's single-executable docs; Node looks for this string flipped to detect the blob. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Used only when postject is not in node_modules; add it to devDependencies to pin it. */
export const POSTJECT = 'postject@1.0.0-alpha.6';

export interface SeaBuild {
  /** The CommonJS bundle to embed. */
  script: string;
  /** The Node binary to copy (same version as the node that writes the blob). */
  nodeBinary: string;
  /** Scratch directory for sea-config.json and the blob. */
  workDir: string;
  outfile: string;
  /**
   * The command that runs the target's own Node here (the host's node, or the arm64 binary under
   * qemu), which then writes the blob with V8's code cache for that CPU: start-up costs about 2.5x
   * the CPU without it. Undefined: the running node writes a blob without code cache.
   */
  blobWriter: string[] | undefined;
  os: 'linux' | 'darwin' | 'windows';
}

// Quiet unless it fails: postject's LIEF prints harmless "Can't find string offset for section
// name" lines, and node announces the blob it wrote.
function run(what: string, cmd: string, args: string[], cwd?: string): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`${what} failed: ${err.message}\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  }
}

function postject(args: string[]): void {
  const local = resolve('node_modules/.bin/postject');
  if (existsSync(local)) run('postject', local, args);
  else run(`npx ${POSTJECT}`, 'npx', ['--yes', POSTJECT, ...args]);
}

export function buildExecutable(b: SeaBuild): void {
  // macOS also needs `--macho-segment-name NODE_SEA` and codesign --remove-signature / --sign - around
  // postject; Windows works as is (signing optional).
  if (b.os === 'darwin') throw new Error('darwin targets cannot be built here (see cannotBuild in scripts/sea/targets.ts)');
  const config = join(b.workDir, 'sea-config.json');
  const blob = join(b.workDir, 'sea-prep.blob');
  // Paths relative to workDir: the blob records `main`, and a temporary directory's name in it
  // would make every build differ.
  writeFileSync(
    config,
    JSON.stringify(
      {
        main: relative(b.workDir, b.script),
        output: 'sea-prep.blob',
        disableExperimentalSEAWarning: true,
        useCodeCache: b.blobWriter !== undefined,
        useSnapshot: false,
      },
      null,
      2,
    ),
  );
  const [cmd = process.execPath, ...prefix] = b.blobWriter ?? [process.execPath];
  run('node --experimental-sea-config', cmd, [...prefix, '--experimental-sea-config', 'sea-config.json'], b.workDir);
  copyFileSync(b.nodeBinary, b.outfile);
  chmodSync(b.outfile, 0o755);
  postject([b.outfile, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
}

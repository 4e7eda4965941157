// `-k DIR`: the kustomization rendered as `kubectl apply -k` would, by the real `kubectl kustomize`.
// It is built through a one-line wrapper kustomization that only adds kustomize's origin
// annotations (buildMetadata), so each object can be traced to the file that defines it; the
// output is otherwise identical. The user's kustomization is never modified.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { PluginError } from '../cli/errors.ts';
import type { ManifestInput } from './inputs.ts';

const MAX_OUTPUT = 256 * 1024 * 1024;

export async function renderKustomization(dir: string): Promise<ManifestInput> {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st === undefined || !st.isDirectory())
    throw new PluginError(`-k ${dir}: not a directory (-k takes a directory holding a kustomization.yaml)`);
  const kubectl = findKubectl();
  const wrapper = mkdtempSync(join(tmpdir(), 'kfstore-kustomize-'));
  try {
    writeFileSync(
      join(wrapper, 'kustomization.yaml'),
      `resources:\n- ${JSON.stringify(relative(wrapper, resolve(dir)))}\nbuildMetadata: [originAnnotations]\n`,
    );
    const wrapped = await run(kubectl, ['kustomize', wrapper]);
    if (wrapped.ok) return { file: join(dir, 'kustomization.yaml'), text: wrapped.stdout, originBase: wrapper };
    // Report kubectl's own words about the user's kustomization, not about the wrapper.
    const direct = await run(kubectl, ['kustomize', dir]);
    if (direct.ok) return { file: join(dir, 'kustomization.yaml'), text: direct.stdout };
    throw new PluginError(
      `-k ${dir}: kubectl kustomize failed: ${direct.stderr.trim().split('\n').slice(-3).join('; ') || `exit ${direct.code}`}`,
    );
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}

/** The first kubectl on PATH: the one that runs this plugin when invoked as `kubectl kfstore`. */
function findKubectl(): string {
  for (const file of (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, 'kubectl'))) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  throw new PluginError(
    '-k needs the kubectl binary on PATH (it runs `kubectl kustomize DIR`) and none was found; install kubectl, or render the kustomization yourself and pipe it: kustomize build DIR | kubectl kfstore doctor -f -',
  );
}

function run(file: string, args: string[]): Promise<{ ok: boolean; code: number | string; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { maxBuffer: MAX_OUTPUT, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      done({ ok: err === null, code: err === null ? 0 : (err.code ?? 'killed'), stdout, stderr });
    });
  });
}

// Renders deploy/ kustomizations with the real kubectl (its built-in kustomize), as a user's
// `kubectl apply -k` would, and finds objects in the result. Shared by test/deploy and test/e2e.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export const REPO = new URL('../../', import.meta.url).pathname;
export const OVERLAYS = ['cert-manager', 'self-managed'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Tested with kustomize v5 (kubectl >= 1.27); older kubectl bundles kustomize that cannot read these files. */
const MIN_KUSTOMIZE_MAJOR = 5;

let checkedVersion = false;

function checkKustomizeVersion(kubectl: string): void {
  if (checkedVersion) return;
  const out = JSON.parse(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as {
    kustomizeVersion?: string;
    clientVersion?: { gitVersion?: string };
  };
  const major = Number(/^v(\d+)\./.exec(out.kustomizeVersion ?? '')?.[1] ?? 0);
  if (major < MIN_KUSTOMIZE_MAJOR) {
    throw new Error(
      `kubectl ${out.clientVersion?.gitVersion ?? '?'} bundles kustomize ${out.kustomizeVersion ?? '(none)'}; deploy/ needs kustomize v${MIN_KUSTOMIZE_MAJOR} or newer (kubectl >= 1.27)`,
    );
  }
  checkedVersion = true;
}

/** `kubectl kustomize DIR` as text; DIR is relative to the repository root or absolute. */
export function kustomize(dir: string, kubectl = 'kubectl'): string {
  checkKustomizeVersion(kubectl);
  return execFileSync(kubectl, ['kustomize', resolve(REPO, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message ?? ''}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

export function render(dir: string): KubeObject[] {
  return parseObjects(kustomize(dir));
}

/** Splits `name[:tag]` or `name@digest` as kustomize's `images` entry wants it. */
export function imageEntry(ref: string): { name: 'kfstore'; newName: string; newTag?: string; digest?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: 'kfstore', newName: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port (localhost:5000/kfstore).
  if (colon > ref.lastIndexOf('/')) return { name: 'kfstore', newName: ref.slice(0, colon), newTag: ref.slice(colon + 1) };
  return { name: 'kfstore', newName: ref };
}

/** `kubectl kustomize` of a throw-away kustomization on top of `overlay`, as a user's own would be. */
function renderOnTop(overlay: Overlay, extra: Record<string, unknown>, kubectl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfstore-kustomize-'));
  try {
    // kustomize refuses absolute resource paths.
    const kustomization: Record<string, unknown> = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [relative(dir, join(REPO, 'deploy/overlays', overlay))],
      ...extra,
    };
    if (Array.isArray(extra.components)) kustomization.components = extra.components.map((c) => relative(dir, join(REPO, String(c))));
    writeFileSync(join(dir, 'kustomization.yaml'), stringify(kustomization));
    return kustomize(dir, kubectl);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An overlay rendered with every kfstore container set to `image`: the `images` override a user's own overlay would carry. */
export function renderWithImage(overlay: Overlay, image: string, kubectl = 'kubectl'): string {
  return renderOnTop(overlay, { images: [imageEntry(image)] }, kubectl);
}

/** An overlay with opt-in components (paths from the repository root, e.g. deploy/components/secret-warnings). */
export function renderWithComponents(overlay: Overlay, components: string[], kubectl = 'kubectl'): KubeObject[] {
  return parseObjects(renderOnTop(overlay, { components }, kubectl));
}

export function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined)
    throw new Error(`no ${kind} ${name} in the rendered objects (${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`);
  return found;
}

export function ofKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

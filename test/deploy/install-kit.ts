// What the install tests share: pod specs of the rendered workloads, ServiceAccount users with
// exactly the rendered RBAC, and running the built programs the image would run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeApiServer, Rule } from '../support/kube-apiserver/index.ts';
import { REPO, find, ofKind } from './render.ts';
import type { KubeObject } from './render.ts';

export const NS = 'kfstore-system';

export interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string; items?: { key: string; path: string }[] } }[];
}
export const podSpec = (o: KubeObject): PodSpec => {
  const spec = o.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  const s = spec.template?.spec ?? spec.jobTemplate?.spec.template.spec;
  assert.ok(s !== undefined, `${o.kind} ${o.metadata.name} has no pod spec`);
  return s;
};

export const saUser = (name: string): string => `system:serviceaccount:${NS}:${name}`;

/** Grants each ServiceAccount what the rendered (Cluster)RoleBindings give it, and nothing else. */
export function applyRbac(server: KubeApiServer, objs: KubeObject[]): void {
  for (const sa of ofKind(objs, 'ServiceAccount'))
    server.addUser(saUser(sa.metadata.name), {
      token: `token-${sa.metadata.name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`],
    });
  for (const b of [...ofKind(objs, 'RoleBinding'), ...ofKind(objs, 'ClusterRoleBinding')]) {
    const ref = b.roleRef as { kind: string; name: string };
    const role = find(objs, ref.kind, ref.name);
    for (const s of b.subjects as { kind: string; name: string; namespace: string }[]) {
      assert.equal(s.kind, 'ServiceAccount');
      for (const r of role.rules as Rule[]) {
        // A RoleBinding grants only inside its namespace; a ClusterRoleBinding everywhere.
        server.allow(saUser(s.name), { ...r, ...(b.kind === 'RoleBinding' ? { namespaces: [b.metadata.namespace ?? ''] } : {}) });
      }
    }
  }
}

/** Asynchronous on purpose: the API server the child talks to runs in this process. */
export function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** /app/<program>.js in the image is dist/<program>.js here. */
export function program(args: string[] | undefined): { bundle: string; rest: string[] } {
  const [first, ...rest] = args ?? [];
  assert.match(first ?? '', /^\/app\/[a-z-]+\.js$/);
  const bundle = join(REPO, 'dist', (first ?? '').slice('/app/'.length));
  assert.ok(existsSync(bundle), `${bundle} is missing: run npm run build`);
  return { bundle, rest };
}

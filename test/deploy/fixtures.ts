// Objects the deploy and e2e tests send through admission, as YAML files under fixtures/ with a
// `{namespace}` placeholder: the e2e test runs in a namespace of its own.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from './render.ts';

const DIR = new URL('./fixtures/', import.meta.url).pathname;

export type FixtureName = 'kfp-launcher-good' | 'kfp-launcher-bad' | 'kfp-launcher-missing-secret' | 'pipeline-pod';

export function fixtureYaml(name: FixtureName, namespace: string): string {
  return readFileSync(`${DIR}${name}.yaml`, 'utf8').replaceAll('{namespace}', namespace);
}

export function fixtureObject(name: FixtureName, namespace: string): KubeObject {
  return parse(fixtureYaml(name, namespace)) as KubeObject;
}

/** The Secret the example policy names for a profile (store.auth.secret.name). */
export function profileSecretName(namespace: string): string {
  return `kubeflow-pipelines--profile-object-store-auth--${namespace}`;
}

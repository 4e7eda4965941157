// The credentials Secret's data at apply time: kept keys as they are, planned keys from the
// --clone-secret-from source (read with the API), or empty for the admin to fill. Values are
// never invented and never printed.
import type { KubeApi } from '../../kube-client/api.ts';
import type { ObjectChange } from '../../settings/migrate/plan.ts';
import { PluginError } from '../cli/errors.ts';
import type { RawObject } from './objects.ts';
import { readObject } from './objects.ts';

export async function secretData(
  api: KubeApi,
  c: ObjectChange,
  current: RawObject | undefined,
  notes: string[],
  ns: string,
): Promise<Record<string, string>> {
  const data: Record<string, string> = { ...(current?.data ?? {}) };
  const fill = Object.keys(c.after.stringData ?? {});
  if (c.cloneFrom !== undefined) {
    const source = await readObject(api, 'Secret', c.cloneFrom.namespace, c.cloneFrom.name);
    if (source === undefined)
      throw new PluginError(`--clone-secret-from: Secret ${c.cloneFrom.namespace}/${c.cloneFrom.name} does not exist`);
    const missing = fill.filter((k) => source.data?.[k] === undefined);
    if (missing.length > 0)
      throw new PluginError(`--clone-secret-from: Secret ${c.cloneFrom.namespace}/${c.cloneFrom.name} has no key ${missing.join(', ')}`);
    for (const k of fill) data[k] = source.data?.[k] ?? '';
    return data;
  }
  for (const k of fill) data[k] = '';
  if (fill.length > 0)
    notes.push(
      `${ns}: Secret ${c.name} has empty ${fill.join(', ')}: fill them, then re-run to switch ${ns} (kubectl -n ${ns} edit secret ${c.name})`,
    );
  return data;
}

// -f: a planned Deployment change made in its manifest document through the yaml Document API:
// only the env entries the plan sets are replaced (or appended); other entries and comments stay.
import { isMap, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { DeploymentChange } from '../../settings/migrate/installation-plan.ts';
import { PluginError } from '../cli/errors.ts';

export function editEnv(doc: Document, change: DeploymentChange): void {
  const containers = doc.getIn(['spec', 'template', 'spec', 'containers']);
  const items = isSeq(containers) ? containers.items : [];
  const i = items.findIndex((c) => isMap(c) && c.get('name') === change.container);
  if (i < 0) throw new PluginError(`Deployment ${change.name}: container ${change.container} not found in the manifest`);
  const path = ['spec', 'template', 'spec', 'containers', i, 'env'];
  for (const e of change.env) {
    const env = doc.getIn(path);
    const entries = isSeq(env) ? env.items : [];
    const j = entries.findIndex((x) => isMap(x) && x.get('name') === e.after.name);
    const node = doc.createNode(e.after);
    if (j >= 0) doc.setIn([...path, j], node);
    else if (isSeq(env)) env.add(node);
    else doc.setIn(path, doc.createNode([e.after]));
  }
}

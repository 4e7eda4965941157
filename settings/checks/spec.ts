// The shape of a registered check. A check is one problem with one stable id; its message text may
// change, its id and meaning never do (popeye codes, kube-score checks).
import type { Level } from '../findings.ts';

export type Area = 'installation' | 'launcher' | 'credentials' | 'argo' | 'network' | 'probe' | 'migrate' | 'self';

/**
 * Where a finding is decided. The same problem can matter differently: a Secret missing when a
 * kfp-launcher is admitted may be created next (admission), while for a profile already running it
 * fails every run (live); manifests on disk (offline) describe a profile as it will run.
 */
export type SeverityContext = 'admission' | 'live' | 'offline';

/** Which tool reports it: the webhook at admission, doctor, migrate's pre-flight, or doctor --probe. */
export type Reporter = 'webhook' | 'doctor' | 'migrate' | 'probe';

export interface CheckSpec {
  id: string;
  title: string;
  area: Area;
  /** The levels it can report; the first is its default. */
  levels: readonly Level[];
  /** The level by severity context, for checks whose weight depends on where they are decided. */
  contextLevels?: Readonly<Partial<Record<SeverityContext, Level>>>;
  /** One sentence: the condition it reports. */
  detects: string;
  /** Why it matters and where the rule comes from (KFP code paths, issues). */
  doc: string;
  reporters: readonly Reporter[];
  /** KFP versions the rule depends on, when it does. */
  kfp?: string;
  /** In the design catalogue but not implemented yet (registered so other code can name it). */
  planned?: true;
}

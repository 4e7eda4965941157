// Filled in with the S3 probe glue (KFS061-KFS063).
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import type { Source } from '../commands/source.ts';

export async function runProbes(_source: Source, _views: NamespaceView[], _opts: { write: boolean; caBundleFile?: string }): Promise<DoctorFinding[]> {
  return [];
}

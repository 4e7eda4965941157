// How KFP's UI server (ml-pipeline-ui) and its per-namespace artifact proxy (ml-pipeline-ui-artifact)
// read artifacts, release by release. Traced to KFP's source at each tag: frontend/server/handlers/artifacts.ts,
// frontend/server/minio-helper.ts, frontend/server/configs.ts and the profile controller's sync.py.
import { compareVersions } from './versions.ts';
import type { KfpVersion } from './versions.ts';

export interface UiRules {
  /**
   * The UI honours an artifact's providerInfo (its store session from MLMD): with fromEnv "false" it
   * reads the Secret named there, in the request's namespace, with its own service account
   * (2.3.0: getArtifactsHandler's providerInfo, createMinioClient/parseS3ProviderInfo). Before, it
   * reads every artifact with its own MINIO_ and AWS_ settings.
   */
  providerInfo: boolean;
  /**
   * The UI drops providerInfo unless the namespace is its own (FRONTEND_SERVER_NAMESPACE), so a user
   * namespace's artifacts are read with the UI's own credentials or through the artifact proxy
   * (2.17.0: PR #12860, allowProviderSecrets). The stock ml-pipeline-ui ClusterRole lost `get secrets` then.
   */
  providerInfoOwnNamespaceOnly: boolean;
  /**
   * The profile controller sets FRONTEND_SERVER_NAMESPACE on ml-pipeline-ui-artifact (2.15.0 sync.py).
   * Before, the proxy believes it runs in kubeflow and reads a providerInfo Secret there (#12374).
   */
  proxyKnowsItsNamespace: boolean;
  /**
   * s3:// artifacts through the proxy fail to download ("Unable to get aws instance profile
   * credentials: CredentialsProviderError", #13717) in 2.16.0-2.17.0; fixed by #13734 after 2.17.0.
   */
  proxyS3DownloadBug: boolean;
}

const v = (major: number, minor: number, patch = 0): KfpVersion => ({ major, minor, patch });
const since = (version: KfpVersion, tag: KfpVersion): boolean => compareVersions(version, tag) >= 0;

export function uiRules(version: KfpVersion): UiRules {
  return {
    providerInfo: since(version, v(2, 3)),
    providerInfoOwnNamespaceOnly: since(version, v(2, 17)),
    proxyKnowsItsNamespace: since(version, v(2, 15)),
    proxyS3DownloadBug: since(version, v(2, 16)) && !since(version, v(2, 17, 1)),
  };
}

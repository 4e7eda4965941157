// The tenant rule for one pipeline root: with `requireProfilePrefix`, a root a profile's runs can
// write to must stay inside the profile's own root, judged by where KFP really writes: KFP's
// prefix for roots without a query string, and gocloud's reading of the URL KFP builds for roots
// with one. The same rule holds kfp-launcher's default root and a run's own pipeline_root.
import { finding } from '../checks/finding.ts';
import type { Finding } from '../findings.ts';
import { gocloudPrefix, prefixDivergence } from '../kfp/bucket-url.ts';
import { parsePipelineRoot, rootContains } from '../kfp/pipeline-root.ts';
import type { PipelineRoot } from '../kfp/pipeline-root.ts';

export interface TenantRoot {
  root: string;
  /** How findings name it: `defaultPipelineRoot`, `the run's pipeline root`, ... */
  label: string;
  /** Where it sits, for the finding's path. */
  path: string;
}

/** Errors when `subject` can put artifacts outside `profileRoot` (unparseable roots are left to KFP's own checks). */
export function tenantRootFindings(subject: TenantRoot, profileRoot: string, namespace: string): Finding[] {
  const own = parsePipelineRoot(profileRoot);
  const root = parsePipelineRoot(subject.root);
  if (!own.ok || !root.ok) return [];
  const { label, path } = subject;
  const out: Finding[] = [];
  // gocloud takes the first `prefix`/`key` query value, ahead of the one KFP appends.
  const query = new URLSearchParams(root.value.query.slice(1));
  const redirect = ['prefix', 'key'].filter((k) => query.has(k));
  if (redirect.length > 0) {
    out.push(
      finding(
        'outsideProfileRoot',
        'error',
        `${label} sets the query parameter ${redirect.join(' and ')}, which moves artifacts away from the path`,
        `remove ${redirect.join(' and ')} from the root`,
        path,
      ),
    );
  } else if (root.value.query !== '') {
    const opened = gocloudPrefix(root.value);
    if (!opened.ok || opened.prefix !== root.value.prefix) {
      out.push(
        finding(
          'outsideProfileRoot',
          'error',
          `${label} ${subject.root} does not open the bucket at its own path: ${prefixDivergence(root.value)}`,
          `write the root as ${profileRoot}[/path]?query without '#', '&', ';', '+' or '%' in the path`,
          path,
        ),
      );
    }
  }
  // A store that normalises paths resolves `..` outside the prefix the string comparison saw.
  if (root.value.prefix.split('/').some((seg) => seg === '..' || seg === '.')) {
    out.push(
      finding(
        'outsideProfileRoot',
        'error',
        `${label} ${subject.root} has a '.' or '..' path segment`,
        `write the root without '.' and '..' segments, under ${profileRoot}`,
        path,
      ),
    );
  }
  if (!rootContains(own.value, root.value)) {
    out.push(
      finding(
        'outsideProfileRoot',
        'error',
        `${label} ${subject.root} is outside ${namespace}'s root ${profileRoot}`,
        `use ${profileRoot} or a path below it`,
        path,
      ),
    );
  }
  return out;
}

/** For roots with a query string outside the tenant rule: a warning when gocloud opens another prefix. */
export function gocloudPrefixFindings(root: PipelineRoot, label: string, path: string): Finding[] {
  if (root.query === '') return [];
  const opened = gocloudPrefix(root);
  if (opened.ok && opened.prefix === root.prefix) return [];
  const where = opened.ok ? `at prefix '${opened.prefix}', not '${root.prefix}'` : `not at all (${opened.error})`;
  return [
    finding(
      'queryRoot',
      'warn',
      `${label}: gocloud opens the bucket ${where}: ${prefixDivergence(root)}`,
      "keep '#', '&', ';', '+' and '%' out of the root's path",
      path,
    ),
  ];
}

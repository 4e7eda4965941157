// Accept-header negotiation for the JSON renderings the real server offers:
// the object itself, meta.k8s.io Table, or PartialObjectMetadata(List).
import { notAcceptable } from './status.ts';

export type Rendering = { as: 'object' } | { as: 'table'; version: string } | { as: 'metadata'; version: string };

export type Mode = 'get' | 'list' | 'watch';

/** Picks the first acceptable entry of the Accept header; 406 if none is. */
export function negotiate(accept: string | undefined, mode: Mode): Rendering {
  if (accept === undefined || accept.trim() === '') return { as: 'object' };
  for (const entry of accept.split(',')) {
    const [type = '', ...paramParts] = entry.split(';').map((p) => p.trim());
    const params = new Map(paramParts.map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
    const mediaType = type.toLowerCase();
    if (mediaType !== 'application/json' && mediaType !== '*/*' && mediaType !== 'application/*') continue;
    const as = params.get('as');
    if (as === undefined) return { as: 'object' };
    const version = params.get('v') ?? '';
    if (params.get('g') !== 'meta.k8s.io' || (version !== 'v1' && version !== 'v1beta1')) continue;
    if (as === 'Table' && mode !== 'watch') return { as: 'table', version };
    if (as === 'PartialObjectMetadataList' && mode === 'list') return { as: 'metadata', version };
    if (as === 'PartialObjectMetadata' && mode !== 'list') return { as: 'metadata', version };
  }
  throw notAcceptable();
}

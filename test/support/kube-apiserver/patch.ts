// PATCH bodies: RFC 6902 JSON patch (fast-json-patch), RFC 7386 merge patch, and
// strategic merge patch approximated as merge patch plus name-keyed list merging.
import fjp from 'fast-json-patch';
import type { ResourceDef } from './resources.ts';
import { ApiError, badRequest, statusOf, unsupportedMediaType } from './status.ts';
import { isRecord } from './types.ts';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export function patchTypesFor(def: ResourceDef): string[] {
  return def.custom ? [JSON_PATCH, MERGE_PATCH] : [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH];
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function isNamedList(list: unknown): list is Record<string, unknown>[] {
  return Array.isArray(list) && list.every((e) => isRecord(e) && typeof e.name === 'string');
}

/**
 * Strategic merge patch without schemas: directives ($patch, $setElementOrder, $retainKeys,
 * $deleteFromPrimitiveList) are honoured loosely, lists of named objects merge by name.
 */
export function strategicPatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  if (patch.$patch === 'delete') return undefined;
  const base: Record<string, unknown> = patch.$patch === 'replace' || !isRecord(target) ? {} : { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const cur = base[field];
      if (Array.isArray(cur) && Array.isArray(value)) base[field] = cur.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete base[key];
    } else if (isNamedList(value) && isNamedList(base[key])) {
      const merged = [...(base[key] as Record<string, unknown>[])];
      for (const item of value) {
        const at = merged.findIndex((m) => m.name === item.name);
        if (item.$patch === 'delete') {
          if (at >= 0) merged.splice(at, 1);
        } else if (at >= 0) {
          merged[at] = strategicPatch(merged[at], item) as Record<string, unknown>;
        } else {
          merged.push(strategicPatch(undefined, item) as Record<string, unknown>);
        }
      }
      base[key] = merged;
    } else {
      const next = strategicPatch(base[key], value);
      if (next === undefined) delete base[key];
      else base[key] = next;
    }
  }
  return base;
}

/** Applies a PATCH body of the given content type to `current` (a JSON object). */
export function applyPatch(def: ResourceDef, contentType: string, current: Record<string, unknown>, raw: string): unknown {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!patchTypesFor(def).includes(type)) throw unsupportedMediaType(patchTypesFor(def));
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  if (type === JSON_PATCH) {
    if (!Array.isArray(body)) throw badRequest('json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    try {
      return fjp.applyPatch(structuredClone(current), body as fjp.Operation[], true, false).newDocument;
    } catch (err) {
      // The real server reports JSON patch application failures as 422 with reason Invalid.
      throw new ApiError(statusOf(422, 'Invalid', (err as Error).message.split('\n')[0] ?? 'invalid JSON patch'));
    }
  }
  if (!isRecord(body))
    throw badRequest(`json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type map[string]interface {}`);
  return type === MERGE_PATCH ? mergePatch(current, body) : strategicPatch(current, body);
}

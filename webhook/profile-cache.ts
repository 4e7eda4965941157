// The policy never changes while the process runs, so each namespace resolves once (bounded: a
// flood of namespace names cannot grow it without limit).
import { resolveProfile } from '../settings/policy/resolve.ts';
import type { ProfileStore } from '../settings/policy/resolve.ts';
import type { StorePolicy } from '../settings/policy/schema.ts';

const PROFILE_CACHE_LIMIT = 4096;

export function profileCache(policy: StorePolicy): (namespace: string) => ProfileStore {
  const cache = new Map<string, ProfileStore>();
  return (namespace) => {
    let store = cache.get(namespace);
    if (store === undefined) {
      if (cache.size >= PROFILE_CACHE_LIMIT) cache.clear();
      store = resolveProfile(policy, namespace);
      cache.set(namespace, store);
    }
    return store;
  };
}

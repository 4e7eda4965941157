// The names a webhook Service is reached by, as subject alternative names.
import { isIP } from 'node:net';

/** SVC, SVC.NS, SVC.NS.svc and SVC.NS.svc.cluster.local (what the API server may dial), plus extras. */
export function serviceDnsNames(service: string, namespace: string, extra: string[] = []): string[] {
  const base = [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
  return [...new Set([...base, ...extra].map((n) => n.toLowerCase()))];
}

/** Canonical text form, so "0:0:0:0:0:0:0:1" and "::1" compare equal. */
export function normalizeIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

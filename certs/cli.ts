#!/usr/bin/env node
// Certificate CLI. `dev` maintains a local development CA and serving certificate.
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { certificateInfo, generateCA, isIssuedBy, issueServingCert, keyMatchesCert, needsRenewal, type KeyPairPem } from './ca.ts';
import { readPair, writePairAtomically, type PairFileNames } from './files.ts';

export type DevCertificateOptions = {
  /** Extra SANs on top of localhost / 127.0.0.1 / ::1. */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Serving certificate validity in days. */
  days?: number;
};

export type DevCertificates = {
  caCertFile: string;
  caKeyFile: string;
  certFile: string;
  keyFile: string;
  caCreated: boolean;
  leafIssued: boolean;
  leafSerial: string;
  leafNotAfter: Date;
};

const CA_NAMES: PairFileNames = { cert: 'ca.crt', key: 'ca.key' };
const LEAF_NAMES: PairFileNames = { cert: 'tls.crt', key: 'tls.key' };
const DEFAULT_DNS = ['localhost'];
const DEFAULT_IPS = ['127.0.0.1', '::1'];
const CA_VALIDITY_DAYS = 3650;
export const DEFAULT_LEAF_DAYS = 90;
const RENEW_BEFORE_DAYS = 1;

/**
 * Idempotent: reuses the CA and leaf in `dir` while they are valid for more than a day
 * (and the leaf still chains to the CA and covers the requested names).
 */
export async function ensureDevCertificates(
  dir: string,
  opts: DevCertificateOptions = {},
  now: Date = new Date(),
): Promise<DevCertificates> {
  const dnsNames = unique([...DEFAULT_DNS, ...(opts.dnsNames ?? [])].map((n) => n.toLowerCase()));
  const ipAddresses = unique([...DEFAULT_IPS, ...(opts.ipAddresses ?? [])].map(normalizeIp));
  const days = opts.days ?? DEFAULT_LEAF_DAYS;
  await mkdir(dir, { recursive: true, mode: 0o700 });

  let ca = await readPair(dir, CA_NAMES);
  const caCreated = !ca || !usableCA(ca, now);
  if (!ca || caCreated) {
    ca = await generateCA({
      commonName: `kfstore development CA ${now.toISOString().slice(0, 10)}`,
      validityDays: CA_VALIDITY_DAYS,
      now,
    });
    await writePairAtomically(dir, ca, CA_NAMES);
  }

  let leaf = await readPair(dir, LEAF_NAMES);
  const leafIssued = caCreated || !leaf || !usableLeaf(leaf, ca, dnsNames, ipAddresses, now);
  if (!leaf || leafIssued) {
    leaf = await issueServingCert({ ca, commonName: dnsNames[0] ?? 'localhost', dnsNames, ipAddresses, validityDays: days, now });
    await writePairAtomically(dir, leaf, LEAF_NAMES);
  }

  const info = certificateInfo(leaf.certPem);
  return {
    caCertFile: resolve(dir, CA_NAMES.cert),
    caKeyFile: resolve(dir, CA_NAMES.key),
    certFile: resolve(dir, LEAF_NAMES.cert),
    keyFile: resolve(dir, LEAF_NAMES.key),
    caCreated,
    leafIssued,
    leafSerial: info.serial,
    leafNotAfter: info.notAfter,
  };
}

// Unparsable files are treated as absent: this is a dev tool, regenerating is the fix.
function usableCA(ca: KeyPairPem, now: Date): boolean {
  try {
    return certificateInfo(ca.certPem).isCA && keyMatchesCert(ca) && !needsRenewal(ca.certPem, now, RENEW_BEFORE_DAYS);
  } catch {
    return false;
  }
}

function usableLeaf(leaf: KeyPairPem, ca: KeyPairPem, dnsNames: string[], ipAddresses: string[], now: Date): boolean {
  try {
    const info = certificateInfo(leaf.certPem);
    const haveDns = new Set(info.dnsNames.map((n) => n.toLowerCase()));
    const haveIps = new Set(info.ipAddresses.map(normalizeIp));
    return (
      keyMatchesCert(leaf) &&
      isIssuedBy(leaf.certPem, ca.certPem) &&
      !needsRenewal(leaf.certPem, now, RENEW_BEFORE_DAYS) &&
      dnsNames.every((n) => haveDns.has(n)) &&
      ipAddresses.every((ip) => haveIps.has(ip))
    );
  } catch {
    return false;
  }
}

// Canonical text form, so "0:0:0:0:0:0:0:1" and "::1" compare equal.
function normalizeIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

const USAGE = `Usage: node certs/cli.ts dev --out DIR [--dns NAME]... [--ip ADDR]... [--days N]

  dev   Create or reuse a development CA (DIR/ca.crt, DIR/ca.key) and a serving
        certificate (DIR/tls.crt, DIR/tls.key) for localhost, 127.0.0.1 and ::1.
        --out DIR    output directory (created if missing)
        --dns NAME   extra DNS subject alternative name (repeatable)
        --ip ADDR    extra IP subject alternative name (repeatable)
        --days N     serving certificate validity in days (default ${DEFAULT_LEAF_DAYS}, min 2)`;

class UsageError extends Error {}

function parseDevArgs(args: string[]): { out: string; opts: DevCertificateOptions } | 'help' {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      dns: { type: 'string', multiple: true },
      ip: { type: 'string', multiple: true },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (!values.out) throw new UsageError('--out DIR is required');
  for (const ip of values.ip ?? []) {
    if (isIP(ip) === 0) throw new UsageError(`--ip: not an IP address: ${ip}`);
  }
  let days: number | undefined;
  if (values.days !== undefined) {
    days = Number(values.days);
    if (!/^\d+$/.test(values.days) || days < 2) throw new UsageError(`--days must be an integer >= 2, got ${values.days}`);
  }
  return { out: values.out, opts: { dnsNames: values.dns ?? [], ipAddresses: values.ip ?? [], days } };
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--help' || command === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command !== 'dev') throw new UsageError(command ? `unknown command: ${command}` : 'missing command');
    const parsed = parseDevArgs(rest);
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const result = await ensureDevCertificates(parsed.out, parsed.opts);
    process.stdout.write(
      [
        `CA certificate:      ${result.caCertFile} (${result.caCreated ? 'created' : 'reused'})`,
        `CA key:              ${result.caKeyFile}`,
        `Serving certificate: ${result.certFile} (${result.leafIssued ? 'issued' : 'reused'}, expires ${result.leafNotAfter.toISOString()})`,
        `Serving key:         ${result.keyFile}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    // parseArgs reports unknown/malformed flags with ERR_PARSE_ARGS_* codes.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`certs: error: ${(err as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`certs: error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}

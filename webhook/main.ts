// kfstore-webhook entry point: flags → policy → HTTPS (hot-reloaded certificate) + metrics → drain on SIGTERM.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { isMainThread } from 'node:worker_threads';
import { connect } from '../kube-client/api.ts';
import { inClusterKubeconfig, loadKubeconfig } from '../kube-client/kubeconfig.ts';
import { rulesForVersion } from '../settings/kfp/version-source.ts';
import { formatVersion } from '../settings/kfp/versions.ts';
import { loadPolicy } from '../settings/policy/load.ts';
import { nodeListener } from './admission/node-listener.ts';
import { createApp } from './app.ts';
import { startSecretCache } from './cluster/secret-cache.ts';
import type { SecretCache } from './cluster/secret-cache.ts';
import { USAGE, parseConfig } from './config.ts';
import { createLogger, flushLogs } from './log.ts';
import { createMetrics } from './metrics.ts';
import { startHttpsServer } from './tls-server.ts';
import { validationPool } from './validate/pool.ts';
// Also the validation worker's entry: the bundle starts itself as a worker (worker.ts checks).
import './validate/worker.ts';

const FORCED_EXIT_MS = 30_000;

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`kfstore-webhook: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const config = parsed.config;
  const logger = createLogger(config.logLevel);

  let policyText: string;
  try {
    policyText = readFileSync(config.policy, 'utf8');
  } catch (e) {
    process.stderr.write(`kfstore-webhook: cannot read policy ${config.policy}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 1;
  }
  const loaded = loadPolicy(policyText);
  if (!loaded.ok) {
    process.stderr.write(`kfstore-webhook: invalid StorePolicy ${config.policy}:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 1;
  }
  let cache: SecretCache | undefined;
  if (config.cluster.kind !== 'none') {
    // Cluster access only feeds warnings; a cluster that cannot be reached is logged, not fatal.
    try {
      const selection =
        config.cluster.kind === 'in-cluster'
          ? inClusterKubeconfig(process.env)
          : loadKubeconfig({ kubeconfig: config.cluster.path, env: process.env, home: '/' });
      cache = startSecretCache(await connect(selection), logger);
    } catch (e) {
      process.stderr.write(`kfstore-webhook: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }

  let draining = false;
  const metrics = createMetrics();
  const validator = validationPool({
    script: new URL(import.meta.url),
    policy: loaded.policy,
    workers: config.validationWorkers,
    deadlineMs: config.validationDeadlineMs,
    maxQueue: 64,
    maxQueuedBytes: 64 * 1024 * 1024,
    heapMb: 96,
  });
  // Served only once the workers are warm: a cold one parses several times slower.
  await validator.ready();
  const app = createApp({
    policy: loaded.policy,
    metrics,
    logger,
    validator,
    draining: () => draining,
    ...(cache ? { secrets: (ns: string) => cache.lookup(ns) } : {}),
  });
  const https = await startHttpsServer({
    certFile: config.tlsCert,
    keyFile: config.tlsKey,
    host: config.host,
    port: config.port,
    pollIntervalMs: config.certPollSeconds * 1000,
    listener: nodeListener(app, (err) => logger.error({ err: { message: err.message, name: err.name } }, 'unhandled error')),
    connections: { maxConnections: config.maxConnections, maxPendingPerIp: 64, idleMs: config.connectionIdleMs },
    requestTimeoutMs: config.requestTimeoutMs,
    onConnectionEvent: (event) => metrics.connection(event),
    onReload: (event) => {
      if (event.ok) {
        logger.info({ serial: event.serial, notAfter: event.notAfter.toISOString() }, 'serving certificate reloaded');
        metrics.servingCertificate(event.notAfter);
      } else if (event.outsideValidity === true) {
        logger.warn({ error: event.error }, 'refused a certificate outside its validity period; still serving the previous certificate');
      } else {
        logger.warn({ error: event.error }, 'certificate files not usable yet; still serving the previous certificate');
      }
      metrics.certificateReload(event.ok ? 'loaded' : event.outsideValidity === true ? 'refused' : 'unusable');
    },
  });
  metrics.servingCertificate(https.certificate().notAfter);
  const metricsServer =
    config.metricsPort === 0
      ? undefined
      : createServer((req, res) => {
          if (req.method === 'GET' && req.url === '/metrics') {
            metrics.registry.metrics().then(
              (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
              () => res.writeHead(500).end(),
            );
          } else res.writeHead(404).end();
        });
  if (metricsServer !== undefined) {
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(`cannot listen on metrics port ${config.metricsPort}: ${e.code ?? e.message}`)),
      );
      metricsServer.listen(config.metricsPort, config.host, resolve);
    });
  }
  // Which KFP release kfp-launcher is judged by (StorePolicy kfpVersion; the newest kfstore knows otherwise).
  const kfpVersion = formatVersion(rulesForVersion(loaded.policy.kfpVersion).version);
  logger.info(
    {
      port: https.port,
      metricsPort: config.metricsPort,
      policy: config.policy,
      cluster: config.cluster.kind,
      kfpVersion,
      kfpVersionSource: loaded.policy.kfpVersion === undefined ? 'assumed' : 'policy',
    },
    'kfstore-webhook serving',
  );

  const shutdown = (signal: string): void => {
    if (draining) return;
    draining = true;
    // kube-apiserver keeps using open connections until endpoints propagate; keep answering meanwhile.
    logger.info({ signal, delaySeconds: config.shutdownDelaySeconds }, 'draining');
    cache?.stop();
    setTimeout(() => {
      Promise.all([
        https.close().then(() => validator.close()),
        new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve())),
      ]).then(
        () => {
          logger.info('stopped');
          void flushLogs(logger).finally(() => process.exit(0));
        },
        () => process.exit(1),
      );
      setTimeout(() => process.exit(1), FORCED_EXIT_MS).unref();
    }, config.shutdownDelaySeconds * 1000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return -1;
}

if (isMainThread) {
  main().then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (e: unknown) => {
      process.stderr.write(`kfstore-webhook: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}

// deploy/components/monitoring: its ServiceMonitor and PrometheusRule, rendered on both overlays
// as a user's kustomization would, are valid against the Prometheus Operator's CRD schemas
// (vendored from 0.93.0), scrape the Service the webhook really serves metrics on, and alert only
// on series that exist: every selector names a metric the webhook's registry exports (or `up`,
// which Prometheus records for every target), with labels that metric has, in PromQL that
// Prometheus's own grammar parses.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { createMetrics } from '../../webhook/metrics.ts';
import { loadCrd, validate } from './crd-schema.ts';
import { parsePromql } from './promql.ts';
import { OVERLAYS, REPO, find, renderWithComponents, type KubeObject } from './render.ts';

const COMPONENT = 'deploy/components/monitoring';
const FIXTURES = `${REPO}test/deploy/fixtures/prometheus-operator/`;
const SCHEMAS: Record<string, ReturnType<typeof loadCrd>> = {
  ServiceMonitor: loadCrd(`${FIXTURES}servicemonitors.v1.yaml`),
  PrometheusRule: loadCrd(`${FIXTURES}prometheusrules.v1.yaml`),
};
/** Labels the operator puts on every target of a ServiceMonitor (and `up` carries). */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleSpec {
  groups: { name: string; rules: Rule[] }[];
}

function schemaErrors(object: KubeObject): string[] {
  const crd = SCHEMAS[object.kind];
  assert.ok(crd !== undefined, `no vendored schema for ${object.kind}`);
  assert.equal(object.apiVersion, `${crd.group}/${crd.version}`);
  return validate(object, crd.openAPIV3Schema);
}

/** Exported series names with their label names, as a scrape shows them (histograms split in three). */
function exportedSeries(): Map<string, string[]> {
  const series = new Map<string, string[]>();
  for (const metric of createMetrics().registry.getMetricsAsArray()) {
    const { name, labelNames = [] } = metric as unknown as { name: string; labelNames?: string[] };
    const type = (metric as unknown as { type?: string }).type;
    if (type === 'histogram') {
      series.set(`${name}_bucket`, [...labelNames, 'le']);
      series.set(`${name}_sum`, labelNames);
      series.set(`${name}_count`, labelNames);
    } else series.set(name, labelNames);
  }
  return series;
}

const METRICS_SOURCE = readFileSync(`${REPO}webhook/metrics.ts`, 'utf8');

/** What is wrong with a rule's expression against the exported series; empty when nothing. */
function exprProblems(expr: string, series: Map<string, string[]>, service: { name: string; namespace: string }): string[] {
  const parsed = parsePromql(expr);
  const problems = parsed.errors.map((e) => `syntax error ${e}`);
  const labelsInExpr = new Set<string>();
  for (const { metric, matchers } of parsed.selectors) {
    const isUp = metric === 'up';
    const labels = isUp ? TARGET_LABELS : series.get(metric);
    if (labels === undefined) {
      problems.push(`${metric} is not exported by the webhook`);
      continue;
    }
    for (const l of labels) labelsInExpr.add(l);
    for (const m of matchers) {
      if (!labels.includes(m.label)) problems.push(`${metric} has no label ${m.label}`);
      else if (isUp && m.label === 'job' && m.value !== service.name)
        problems.push(`up{job} is the Service name ${service.name}, not ${m.value}`);
      else if (isUp && m.label === 'namespace' && m.value !== service.namespace)
        problems.push(`up{namespace} is ${service.namespace}, not ${m.value}`);
      else if (!isUp) {
        // Label values the webhook writes are string literals in webhook/metrics.ts (its unions).
        const values = m.op === '=~' || m.op === '!~' ? m.value.split('|') : [m.value];
        for (const v of values)
          if (!METRICS_SOURCE.includes(`'${v}'`)) problems.push(`${metric}{${m.label}} never takes the value ${JSON.stringify(v)}`);
      }
    }
  }
  for (const label of parsed.groupingLabels)
    if (!labelsInExpr.has(label)) problems.push(`grouped by ${label}, which no selected series has`);
  return problems;
}

function rulesOf(object: KubeObject): Rule[] {
  return (object.spec as RuleSpec).groups.flatMap((g) => g.rules);
}

function invalidFixture(name: string): KubeObject {
  return parse(readFileSync(`${FIXTURES}invalid/${name}`, 'utf8')) as KubeObject;
}

for (const overlay of OVERLAYS) {
  describe(`deploy: ${overlay} + components/monitoring`, () => {
    const objects = renderWithComponents(overlay, [COMPONENT]);
    const monitor = find(objects, 'ServiceMonitor', 'kfstore-webhook');
    const rule = find(objects, 'PrometheusRule', 'kfstore-webhook');
    const service = find(objects, 'Service', 'kfstore-webhook');
    const series = exportedSeries();

    it('the ServiceMonitor and the PrometheusRule are valid against the Prometheus Operator 0.93 CRD schemas', () => {
      assert.deepEqual(schemaErrors(monitor), []);
      assert.deepEqual(schemaErrors(rule), []);
    });

    it('the ServiceMonitor selects the webhook Service and its metrics port, which the NetworkPolicy admits from labelled namespaces', () => {
      const spec = monitor.spec as {
        selector: { matchLabels: Record<string, string> };
        namespaceSelector: { matchNames: string[] };
        endpoints: { port: string; path?: string }[];
      };
      for (const [k, v] of Object.entries(spec.selector.matchLabels)) assert.equal(service.metadata.labels?.[k], v, `Service label ${k}`);
      assert.deepEqual(spec.namespaceSelector.matchNames, [service.metadata.namespace]);
      const ports = (service.spec as { ports: { name: string; port: number; targetPort: string }[] }).ports;
      const port = ports.find((p) => p.name === spec.endpoints[0]?.port);
      assert.ok(port !== undefined, `Service has a port named ${spec.endpoints[0]?.port}`);
      assert.equal(port.port, 9090);
      assert.equal(spec.endpoints[0]?.path, '/metrics');
      const policy = find(objects, 'NetworkPolicy', 'kfstore-webhook');
      const ingress = (
        policy.spec as {
          ingress: { from?: { namespaceSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: string }[] }[];
        }
      ).ingress;
      const scrape = ingress.find((r) => r.ports.some((p) => p.port === port.targetPort));
      assert.deepEqual(scrape?.from?.[0]?.namespaceSelector?.matchLabels, { 'kfstore.dev/metrics-scraper': 'true' });
    });

    it('honorLabels keeps the webhook labels that collide with the operator target labels (endpoint)', () => {
      const colliding = [...new Set([...series.values()].flat())].filter((l) => TARGET_LABELS.includes(l));
      assert.deepEqual(colliding, ['endpoint']);
      const endpoints = (monitor.spec as { endpoints: { honorLabels?: boolean }[] }).endpoints;
      for (const e of endpoints) assert.equal(e.honorLabels, true);
    });

    it('every alert expression parses and names only series the webhook exports, with their labels and values', () => {
      const rules = rulesOf(rule);
      for (const r of rules)
        assert.deepEqual(
          exprProblems(r.expr, series, { name: service.metadata.name, namespace: service.metadata.namespace ?? '' }),
          [],
          r.alert,
        );
    });

    it('alerts cover a webhook that is down, failing and slow admissions, denial spikes and certificate expiry, each with a severity', () => {
      const rules = rulesOf(rule);
      const byName = new Map(rules.map((r) => [r.alert, r]));
      assert.equal(byName.size, rules.length, 'alert names are unique');
      for (const r of rules) assert.match(r.labels?.severity ?? '', /^(critical|warning|info)$/, r.alert);
      const uses = (metric: string): string[] =>
        rules.filter((r) => parsePromql(r.expr).selectors.some((s) => s.metric === metric)).map((r) => r.alert ?? '');
      assert.deepEqual(uses('up'), ['KfstoreWebhookDown']);
      assert.deepEqual(uses('kfstore_admission_limits_total'), ['KfstoreAdmissionsFailing']);
      assert.deepEqual(uses('kfstore_admission_duration_seconds_bucket'), ['KfstoreAdmissionSlow']);
      assert.ok(uses('kfstore_admission_requests_total').includes('KfstoreDenialSpike'));
      assert.deepEqual(uses('kfstore_serving_certificate_expiry_timestamp_seconds'), ['KfstoreServingCertificateExpiresSoon']);
    });
  });
}

describe('deploy: the monitoring checks catch what they exist for', () => {
  const series = exportedSeries();
  const service = { name: 'kfstore-webhook', namespace: 'kfstore-system' };

  it('the schema check reports a misspelt field, a malformed duration and a duplicate group, with the path', () => {
    assert.deepEqual(schemaErrors(invalidFixture('servicemonitor-unknown-field.yaml')), [
      'spec.endpoints[0].honourLabels: unknown field (the API server would drop it)',
    ]);
    const duration = schemaErrors(invalidFixture('prometheusrule-bad-duration.yaml'));
    assert.equal(duration.length, 1);
    assert.match(duration[0] ?? '', /^spec\.groups\[0\]\.rules\[0\]\.for: "5 minutes" does not match /);
    assert.deepEqual(schemaErrors(invalidFixture('prometheusrule-duplicate-group.yaml')), [
      'spec.groups[1]: duplicate entry ["g"] in a list of type map',
    ]);
  });

  it('the expression check reports a metric the webhook does not export, a label it does not have, and a syntax error', () => {
    const [unknown, label] = rulesOf(invalidFixture('rule-unknown-metric.yaml'));
    assert.deepEqual(exprProblems(unknown?.expr ?? '', series, service), ['kfstore_admission_errors_total is not exported by the webhook']);
    assert.deepEqual(exprProblems(label?.expr ?? '', series, service), [
      'kfstore_admission_requests_total has no label reason',
      'grouped by reason, which no selected series has',
    ]);
    const [broken] = rulesOf(invalidFixture('rule-syntax-error.yaml'));
    assert.match(exprProblems(broken?.expr ?? '', series, service)[0] ?? '', /^syntax error at /);
  });

  it('every file in the invalid fixtures is used above', () => {
    assert.deepEqual(readdirSync(`${FIXTURES}invalid`).sort(), [
      'prometheusrule-bad-duration.yaml',
      'prometheusrule-duplicate-group.yaml',
      'rule-syntax-error.yaml',
      'rule-unknown-metric.yaml',
      'servicemonitor-unknown-field.yaml',
    ]);
  });
});

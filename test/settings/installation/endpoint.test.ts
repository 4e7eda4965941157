// How endpoints are compared and when an AWS endpoint needs a region.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsWithoutRegionInHost, endpointKey } from '../../../settings/installation/checks.ts';

describe('endpointKey', () => {
  it('one key for the spellings of one in-cluster Service', () => {
    for (const e of [
      'minio-service:9000',
      'minio-service.kubeflow:9000',
      'http://minio-service.kubeflow.svc.cluster.local:9000/',
      'MINIO-SERVICE.kubeflow.svc:9000',
    ])
      assert.equal(endpointKey(e, 'kubeflow'), 'minio-service.kubeflow:9000', e);
  });
  it('443 is the port of an endpoint without one; other ports differ', () => {
    assert.equal(endpointKey('https://s3.amazonaws.com:443', 'kubeflow'), endpointKey('s3.amazonaws.com', 'kubeflow'));
    assert.notEqual(endpointKey('seaweedfs.kubeflow:8333', 'kubeflow'), endpointKey('seaweedfs.kubeflow:9000', 'kubeflow'));
  });
});

describe('awsWithoutRegionInHost', () => {
  it('global S3 endpoints name no region', () => {
    for (const e of ['s3.amazonaws.com', 'https://s3.amazonaws.com:443', 's3.external-1.amazonaws.com'])
      assert.equal(awsWithoutRegionInHost(e), true, e);
  });
  it('regional endpoints and other stores do not need one', () => {
    for (const e of [
      's3.eu-west-1.amazonaws.com',
      's3-us-west-2.amazonaws.com',
      's3.dualstack.us-east-2.amazonaws.com',
      'minio-service.kubeflow:9000',
      'storage.googleapis.com',
    ])
      assert.equal(awsWithoutRegionInHost(e), false, e);
  });
});

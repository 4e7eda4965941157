// The Swift test server's pure parts: config text and account validation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backendConf, proxyConf, validateAccounts } from '../../support/swift/config.ts';
import { SWIFT_INSTALL_HINT, swiftAvailable } from '../../support/swift/server.ts';

describe('swift test server config', () => {
  it('gives .admin only to admin users', () => {
    const conf = proxyConf('/d', 1, 'me', [
      { account: 'teama', user: 'alice', secret: 'a-secret' },
      { account: 'teama', user: 'reader', secret: 'r-secret', admin: false },
    ]);
    assert.match(conf, /^user_teama_alice = a-secret \.admin$/m);
    assert.match(conf, /^user_teama_reader = r-secret$/m);
    assert.match(conf, /^bind_ip = 127\.0\.0\.1$/m);
    assert.match(conf, /^pipeline = .* s3api tempauth /m);
  });

  it('binds backends to 127.0.0.1 with a healthcheck', () => {
    const conf = backendConf('object', '/d', 4242, 'me');
    assert.match(conf, /^bind_port = 4242$/m);
    assert.match(conf, /^pipeline = healthcheck object-server$/m);
  });

  it('rejects names tempauth cannot parse and secrets with spaces', () => {
    assert.throws(() => validateAccounts([{ account: 'team_a', user: 'x', secret: 's' }]), /must match/);
    assert.throws(() => validateAccounts([{ account: 'TeamA', user: 'x', secret: 's' }]), /must match/);
    assert.throws(() => validateAccounts([{ account: 'a', user: 'x', secret: 'two words' }]), /without spaces/);
    assert.throws(
      () =>
        validateAccounts([
          { account: 'a', user: 'x', secret: 's' },
          { account: 'a', user: 'x', secret: 't' },
        ]),
      /duplicate/,
    );
  });

  it('is installed here (CI installs it with apt)', () => {
    assert.ok(swiftAvailable(), SWIFT_INSTALL_HINT);
  });
});

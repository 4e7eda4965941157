// The command line as kubectl reads it (spf13/pflag rules), on the plugin's real flag tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCTOR_OPTIONS, MIGRATE_OPTIONS, parseDoctor } from '../../../plugin/cli/args.ts';
import { parseFlags } from '../../../plugin/cli/flags.ts';
import { distance, suggest } from '../../../plugin/cli/suggest.ts';

describe('parseFlags', () => {
  it('-f=path is the file path; -fpath and -f path too; --filename=path and --filename path', () => {
    for (const argv of [
      ['-f=dir/a.yaml'],
      ['-fdir/a.yaml'],
      ['-f', 'dir/a.yaml'],
      ['--filename=dir/a.yaml'],
      ['--filename', 'dir/a.yaml'],
    ]) {
      assert.deepEqual(parseFlags(argv, DOCTOR_OPTIONS).values.filename, ['dir/a.yaml'], argv.join(' '));
    }
  });
  it('-f - reads stdin as kubectl does: "-" is a value, not a flag', () => {
    assert.deepEqual(parseFlags(['-f', '-'], DOCTOR_OPTIONS).values.filename, ['-']);
  });
  it('repeatable flags collect; a value may contain "="', () => {
    const { values } = parseFlags(['-f', 'a', '--filename=b', '-l', 'team=a', '--selector=x=y'], DOCTOR_OPTIONS);
    assert.deepEqual(values.filename, ['a', 'b']);
    assert.equal(values.selector, 'x=y');
  });
  it('grouped shorthands: -Ah, and -Aojson (a value-taking flag ends the group)', () => {
    assert.deepEqual(parseFlags(['-Ah'], DOCTOR_OPTIONS).values, { 'all-namespaces': true, help: true });
    assert.deepEqual(parseFlags(['-Aojson'], DOCTOR_OPTIONS).values, { 'all-namespaces': true, output: 'json' });
    assert.deepEqual(parseFlags(['-v=6'], DOCTOR_OPTIONS).values, { v: '6' });
  });
  it('--bool=false and --bool=true', () => {
    assert.equal(parseFlags(['--probe=false'], DOCTOR_OPTIONS).values.probe, false);
    assert.equal(parseFlags(['--probe=true'], DOCTOR_OPTIONS).values.probe, true);
    assert.throws(() => parseFlags(['--probe=maybe'], DOCTOR_OPTIONS), /invalid argument "maybe" for "--probe" flag/);
  });
  it('-- ends the flags', () => {
    assert.deepEqual(parseFlags(['--', '-n'], DOCTOR_OPTIONS).positionals, ['-n']);
  });
  it('unknown flags: pflag wording and the nearest spelling', () => {
    assert.throws(() => parseFlags(['--fail-o', 'warn'], DOCTOR_OPTIONS), /^PluginError: unknown flag: --fail-o; did you mean --fail-on\?/);
    assert.throws(() => parseFlags(['--namespce', 'a'], DOCTOR_OPTIONS), /did you mean --namespace\?/);
    assert.throws(() => parseFlags(['--fo'], MIGRATE_OPTIONS), /unknown flag: --fo; did you mean --force or --to\?/);
    assert.throws(
      () => parseFlags(['--zzz'], DOCTOR_OPTIONS),
      (e: Error) => e.message === 'unknown flag: --zzz (see --help)',
    );
    assert.throws(() => parseFlags(['-x'], DOCTOR_OPTIONS), /unknown shorthand flag: 'x' in -x/);
    // A long name typed with one dash.
    assert.throws(() => parseFlags(['-probe'], DOCTOR_OPTIONS), /did you mean --probe\?/);
  });
  it('a flag without its value', () => {
    assert.throws(() => parseFlags(['--output'], DOCTOR_OPTIONS), /flag needs an argument: --output/);
    assert.throws(() => parseFlags(['-n'], DOCTOR_OPTIONS), /flag needs an argument: 'n' in -n/);
  });
  it('--help wins over a bad line, as in kubectl', () => {
    assert.equal(parseDoctor(['--fail-on', 'fatal', '--help']).help, true);
  });
  it('new output flags: -o wide, --no-headers, --color, -v', () => {
    const { flags } = parseDoctor(['-o', 'wide', '--no-headers', '--color=never', '-v', '2']);
    assert.equal(flags.output, 'wide');
    assert.equal(flags.noHeaders, true);
    assert.equal(flags.color, 'never');
    assert.equal(flags.verbosity, 2);
    assert.throws(() => parseDoctor(['--color', 'sometimes']), /--color must be auto, always or never, got 'sometimes'/);
  });
});

describe('suggest', () => {
  it('edit distance', () => {
    assert.equal(distance('inspekt', 'inspect'), 1);
    assert.equal(distance('', 'abc'), 3);
    assert.deepEqual(suggest('inspekt', ['inspect', 'doctor']), ['inspect']);
    assert.deepEqual(suggest('--fo', ['--v', '--force', '--to']), ['--force', '--to']);
    assert.deepEqual(suggest('xyz', ['inspect', 'doctor']), []);
  });
});

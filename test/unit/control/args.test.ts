// The command line of mmm_control: options only before the command word, @cluster, --json, --timeout, and
// everything after the command (including words that start with --) passed through untouched.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_TIMEOUT_S, UsageError, parseControlArgs } from '../../../control/args.js';

describe('parseControlArgs', () => {
  it('reads @cluster and the options before the command', () => {
    const argv = ['@east', '--config', '/x.conf', '--json', '--timeout', '2.5', '--connect-timeout', '0.5', 'show'];
    expect(parseControlArgs(argv)).toEqual({
      cluster: 'east',
      configPath: '/x.conf',
      json: true,
      timeoutMs: 2500,
      connectTimeoutMs: 500,
      version: false,
      help: false,
      command: ['show'],
    });
  });

  it('defaults: no cluster, MMM search path, text output, the default timeout', () => {
    expect(parseControlArgs(['ping'])).toMatchObject({
      cluster: undefined,
      configPath: undefined,
      json: false,
      timeoutMs: DEFAULT_TIMEOUT_S * 1000,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_S * 1000,
      command: ['ping'],
    });
  });

  it('stops option parsing at the command: --force and --json after it belong to the command', () => {
    expect(parseControlArgs(['move_role', '--force', 'writer', 'db2']).command).toEqual([
      'move_role',
      '--force',
      'writer',
      'db2',
    ]);
    const a = parseControlArgs(['@c', 'checks', '--json', '@x']);
    expect(a).toMatchObject({ cluster: 'c', json: false, command: ['checks', '--json', '@x'] });
  });

  it('a value option never swallows the command, and -- ends the options', () => {
    expect(parseControlArgs(['--config', 'show', 'mode']).command).toEqual(['mode']);
    expect(parseControlArgs(['--config=/a.conf', 'mode'])).toMatchObject({ configPath: '/a.conf', command: ['mode'] });
    expect(parseControlArgs(['--json', '--', '--weird'])).toMatchObject({ json: true, command: ['--weird'] });
  });

  it("no command is not a usage error here (run prints MMM's hint)", () => {
    expect(parseControlArgs(['@east']).command).toEqual([]);
  });

  it('bad options are UsageErrors that say what is expected', () => {
    const cases: [string[], RegExp][] = [
      [['--bogus', 'show'], /unknown option '--bogus'/],
      [['@a', '@b', 'show'], /more than one @CLUSTER/],
      [['@', 'show'], /'@' needs a cluster name/],
      [['--config'], /argument missing/],
      [['--config', '', 'show'], /--config needs a file name/],
      [['--timeout', '0', 'show'], /--timeout '0' is invalid; expected seconds/],
      [['--timeout', 'soon', 'show'], /--timeout 'soon' is invalid/],
      [['--connect-timeout', '0.0', 'show'], /--connect-timeout '0.0' is invalid; expected seconds/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseControlArgs(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parseControlArgs(argv), argv.join(' ')).toThrow(message);
    }
  });
});

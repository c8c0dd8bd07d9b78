// Parsing and dispatch of mmm_control commands, and the answers that change nothing (spec §1.2, §1.3).
import { describe, expect, it } from 'vitest';
import { splitWords } from '../../../../../monitor/core/commands/index.js';
import { exitCodeOf, respond } from '../../../../../monitor/core/commands/context.js';
import { SEED_OWNERS, command, model, seedConfig } from '../fixtures.js';

// Spec §1.3, byte for byte: 4-space indentation, a newline at the end.
const HELP = [
  'Valid commands are:',
  '    help                              - show this message',
  '    ping                              - ping monitor',
  '    show                              - show status',
  '    checks [<host>|all [<check>|all]] - show checks status',
  '    set_online <host>                 - set host <host> online',
  '    set_offline <host>                - set host <host> offline',
  '    mode                              - print current mode.',
  '    set_active                        - switch into active mode.',
  '    set_manual                        - switch into manual mode.',
  '    set_passive                       - switch into passive mode.',
  '    move_role [--force] <role> <host> - move exclusive role <role> to host <host>',
  '                                        (Only use --force if you know what you are doing!)',
  '    set_ip <ip> <host>                - set role with ip <ip> to host <host>',
  '',
].join('\n');

const m = model(seedConfig(), { owners: SEED_OWNERS });

describe('command parsing (spec §1.2)', () => {
  it('answers help with the exact help text', () => {
    const out = command(m, ['help']);
    expect(out.response).toEqual({ ok: true, exitCode: 0, text: HELP });
    expect(out.model).toEqual(m);
    expect(out.changes).toMatchObject({ push: [], events: [], switchover: undefined, modeChange: undefined });
  });

  it.each([
    [['bogus'], 'bogus'],
    [[], ''],
    [['help', 'me'], 'help me'],
    [['SHOW'], 'SHOW'],
    [['set_online'], 'set_online'],
    [['set_online', 'db1', 'db2'], 'set_online db1 db2'],
    [['set_online', 'db1 db2'], 'set_online db1 db2'],
    [['checks', 'db1', 'ping', 'x'], 'checks db1 ping x'],
    [['move_role', 'writer'], 'move_role writer'],
    [['move_role', 'writer', 'db2', 'db3'], 'move_role writer db2 db3'],
    [['move_role', '--force', 'writer', 'db2', 'x'], 'move_role --force writer db2 x'],
    [['set_ip', '198.18.0.100'], 'set_ip 198.18.0.100'],
    [['mode', 'x'], 'mode x'],
    [['toString'], 'toString'],
  ])('%j → Invalid command + blank line + help, exit code 2', (args, line) => {
    const out = command(m, args);
    expect(out.response).toEqual({ ok: false, exitCode: 2, text: `Invalid command '${line}'\n\n${HELP}` });
  });

  it('treats `move_role --force X` with two words as a normal move_role of role "--force" (as MMM)', () => {
    expect(command(m, ['move_role', '--force', 'writer']).response.text).toBe("ERROR: Unknown role name '--force'!");
  });

  it('splits like Perl: leading empty field kept, trailing ones dropped', () => {
    expect(splitWords('  a \t b  ')).toEqual(['', 'a', 'b']);
    expect(splitWords('')).toEqual([]);
    expect(command(m, [' show']).response.exitCode).toBe(2);
  });

  it('answers ping and mode', () => {
    expect(command(m, ['ping']).response).toEqual({ ok: true, exitCode: 0, text: 'OK: Pinged successfully!' });
    expect(command(m, ['mode']).response).toEqual({ ok: true, exitCode: 0, text: 'ACTIVE', data: { mode: 'ACTIVE' } });
    for (const mode of ['MANUAL', 'WAIT', 'PASSIVE'] as const) {
      expect(command(model(seedConfig(), { mode }), ['mode']).response.text).toBe(mode);
    }
  });
});

describe('exit codes', () => {
  it('maps ERROR:/Error: to 1, Invalid command to 2, the rest to 0', () => {
    expect(exitCodeOf('ERROR: x')).toBe(1);
    expect(exitCodeOf('Error: Role writer has no IP.')).toBe(1);
    expect(exitCodeOf("Invalid command 'x'\n\n")).toBe(2);
    expect(exitCodeOf('OK: fine')).toBe(0);
    expect(exitCodeOf('  db1(1.2.3.4) master/ONLINE. Roles: \n')).toBe(0);
    expect(respond('ERROR: no', { a: 1 })).toEqual({ ok: false, exitCode: 1, text: 'ERROR: no', data: { a: 1 } });
  });
});

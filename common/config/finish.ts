// Last steps that turn written values into what the daemons use: the socket token (read from token_file,
// checked against the type) and kill_host_bin (resolved to an executable path, or none).
import { isAbsolute, join } from 'node:path';
import type { Positions } from './build.js';
import type { Issues, Pos } from './issues.js';
import { readSecret, type ParseEnv } from './kinds.js';
import type { MonitorConfig, SocketConfig } from './types.js';

/** A token shorter than this is accepted with a warning. */
export const MIN_TOKEN_LENGTH = 16;

export function finishSocket(
  socket: SocketConfig,
  pos: Positions,
  env: ParseEnv,
  exists: (path: string) => boolean,
  issues: Issues,
): SocketConfig {
  const at = (key?: string): Pos =>
    pos.of('socket', undefined, key) ?? pos.of('global', undefined) ?? { file: '?', line: 1 };
  const label = (key: string): string => pos.label('socket', undefined, key);
  let token = socket.token;
  if (socket.tokenFile !== undefined) {
    if (token !== undefined) {
      issues.error(at('token_file'), label('token_file'), 'set either token or token_file, not both');
    } else {
      const r = readSecret(socket.tokenFile, env, at('token_file'), label('token_file'));
      if (r.ok) token = r.value;
      else
        issues.error(at('token_file'), label('token_file'), `${r.problem}; expected a readable file holding the token`);
    }
  }
  if (socket.type === 'token') {
    if (token === undefined && socket.tokenFile === undefined) {
      issues.error(at('type'), label('token'), 'missing; required by type token (set token or token_file)');
    } else if (token !== undefined && token.reveal().length < MIN_TOKEN_LENGTH) {
      issues.warn(
        at(pos.has('socket', undefined, 'token') ? 'token' : 'token_file'),
        label('token'),
        `shorter than ${String(MIN_TOKEN_LENGTH)} characters; expected a long random string (openssl rand -hex 32)`,
      );
    }
  } else if (token !== undefined || socket.tokenFile !== undefined) {
    const key = socket.token !== undefined ? 'token' : 'token_file';
    issues.warn(at(key), label(key), `ignored while type is ${socket.type}; set type token to use it`);
  }
  if (socket.type === 'ssl') {
    for (const [key, file] of [
      ['cert_file', socket.certFile],
      ['key_file', socket.keyFile],
      ['ca_file', socket.caFile],
    ] as const) {
      if (file !== undefined && !exists(file))
        issues.error(at(key), label(key), `${file} does not exist; expected a readable PEM file`);
    }
  }
  return { ...socket, token };
}

export function resolveKillHost(
  monitor: MonitorConfig,
  pos: Positions,
  isExecutable: (path: string) => boolean,
  issues: Issues,
): MonitorConfig {
  const name = monitor.killHostBin;
  if (name === undefined) return monitor;
  const written = pos.has('monitor', undefined, 'kill_host_bin');
  const warn = (message: string): void => {
    if (written)
      issues.warn(
        pos.of('monitor', undefined, 'kill_host_bin') ?? { file: '?', line: 1 },
        pos.label('monitor', undefined, 'kill_host_bin'),
        message,
      );
  };
  let path: string | undefined;
  if (isAbsolute(name)) path = name;
  else if (monitor.binPath !== undefined) path = join(monitor.binPath, 'monitor', name);
  if (path === undefined) {
    warn(`'${name}' is relative and bin_path is not set; no kill program will run`);
    return { ...monitor, killHostBin: undefined };
  }
  if (!isExecutable(path)) {
    warn(`${path} is missing or not executable; no kill program will run`);
    return { ...monitor, killHostBin: undefined };
  }
  return { ...monitor, killHostBin: path };
}

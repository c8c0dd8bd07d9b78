// Authentication shared by every HTTP endpoint of mysql-mmm-ng (agent API, monitor API) and their clients.
// MMM 2.2.1's `<socket> type ssl` maps to mutual TLS; our extension `type token` is a shared bearer token.
// `plain` (no authentication) exists only for labs started with --insecure.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Secret } from '../config/secret.js';
import type { SocketConfig } from '../config/types.js';
import { MmmError, describeError } from '../errors/index.js';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export type HttpAuth =
  | { readonly type: 'token'; readonly token: Secret }
  | ({ readonly type: 'ssl' } & TlsFiles)
  | { readonly type: 'plain' };

/** PEM material of a TLS identity, loaded once at start (and again on reload). */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

export async function loadTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  const read = async (what: string, path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (e) {
      throw new MmmError('MMM_CONFIG_INVALID', `<socket> ${what} '${path}' cannot be read: ${describeError(e)}`);
    }
  };
  const [cert, key, ca] = await Promise.all([
    read('cert_file', files.certFile),
    read('key_file', files.keyFile),
    read('ca_file', files.caFile),
  ]);
  return { cert, key, ca };
}

/**
 * The authentication a daemon (or a client) uses, from the config's `<socket>` section. `plain` is only
 * accepted when the operator passed --insecure; the config loader enforces the same, this is the last gate.
 */
export async function authFromSocketConfig(socket: SocketConfig, opts: { insecure: boolean }): Promise<HttpAuth> {
  switch (socket.type) {
    case 'token': {
      if (socket.token !== undefined && !socket.token.isEmpty()) return { type: 'token', token: socket.token };
      if (socket.tokenFile === undefined) {
        throw new MmmError('MMM_CONFIG_INVALID', '<socket> type token needs token_file (or token)');
      }
      let text: string;
      try {
        text = (await readFile(socket.tokenFile, 'utf8')).trim();
      } catch (e) {
        throw new MmmError(
          'MMM_CONFIG_INVALID',
          `<socket> token_file '${socket.tokenFile}' cannot be read: ${describeError(e)}`,
        );
      }
      if (text.length === 0)
        throw new MmmError('MMM_CONFIG_INVALID', `<socket> token_file '${socket.tokenFile}' is empty`);
      return { type: 'token', token: new Secret(text) };
    }
    case 'ssl': {
      const { certFile, keyFile, caFile } = socket;
      if (certFile === undefined || keyFile === undefined || caFile === undefined) {
        throw new MmmError('MMM_CONFIG_INVALID', '<socket> type ssl needs cert_file, key_file and ca_file');
      }
      return { type: 'ssl', certFile, keyFile, caFile };
    }
    case 'plain':
      if (!opts.insecure) {
        throw new MmmError(
          'MMM_CONFIG_INVALID',
          '<socket> type plain has no authentication; start with --insecure (labs only)',
        );
      }
      return { type: 'plain' };
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks an Authorization header against the expected token in constant time. Both sides are hashed first, so
 * neither the comparison time nor an early length mismatch tells an attacker anything about the token.
 */
export function checkBearer(header: string | undefined, expected: Secret): void {
  if (header === undefined || header.length === 0) {
    throw new MmmError('MMM_UNAUTHORIZED', 'authentication required: send the header "Authorization: Bearer <token>"');
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new MmmError('MMM_UNAUTHORIZED', 'malformed Authorization header: expected "Bearer <token>"');
  }
  if (!timingSafeEqual(digest(match[1]), digest(expected.reveal()))) {
    throw new MmmError('MMM_UNAUTHORIZED', 'invalid token');
  }
}

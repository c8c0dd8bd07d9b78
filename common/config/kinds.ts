// Value kinds of the schema: how a written value (text or list) becomes a typed one, what an error says was
// expected, and how the typed value prints back as YAML. Secrets print as *** and are never echoed in problems.
import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import type { Pos } from './issues.js';
import type { RawValue } from './raw.js';
import { Secret } from './secret.js';

export type YamlScalar = string | number | boolean;
export type YamlValue = YamlScalar | readonly string[];

/** What parsing may touch outside the text: the environment and secret files. */
export interface ParseEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a secret file (file:/path, token_file) named by the key at pos. Throws a Node error (with code). */
  readSecretFile(path: string, pos: Pos, key: string): string;
  /** Called for a password/token written in clear in a config file. */
  literalSecret(pos: Pos, key: string): void;
  /** Check env:/file: references for form only and give empty secrets (the converter copies references). */
  readonly referencesUnresolved?: boolean;
}

export type Parsed<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly problem: string };

export interface Kind<V> {
  /** Completes "…; expected <this>". */
  readonly expected: string;
  /** Value of an unset key without default. */
  readonly empty: V;
  readonly secret: boolean;
  parse(raw: RawValue, env: ParseEnv, pos: Pos, key: string): Parsed<V>;
  /** The value as YAML shows it; undefined = not shown. */
  show(value: V): YamlValue | undefined;
}

const ok = <V>(value: V): Parsed<V> => ({ ok: true, value });
const bad = <V>(problem: string): Parsed<V> => ({ ok: false, problem });

/** A kind that reads a single text (a YAML list is refused). */
function scalar<V>(
  expected: string,
  empty: V,
  parse: (text: string, env: ParseEnv, pos: Pos, key: string) => Parsed<V>,
  show: (v: V) => YamlValue | undefined,
  secret = false,
): Kind<V> {
  return {
    expected,
    empty,
    secret,
    show,
    parse(raw, env, pos, key) {
      if (!('text' in raw)) return bad('a list is not allowed here');
      if (raw.text === '') return bad('the value is empty');
      return parse(raw.text, env, pos, key);
    },
  };
}

const quote = (text: string): string => `'${text}'`;

export function text(expected = 'a text'): Kind<string> {
  return scalar(
    expected,
    '',
    (t) => ok(t),
    (v) => (v === '' ? undefined : v),
  );
}

/** A host, role or interface name: one word. References are checked by validation. */
export function word(expected: string): Kind<string> {
  return scalar(
    expected,
    '',
    (t) => (/^[\w.:-]+$/.test(t) ? ok(t) : bad(`invalid value ${quote(t)}`)),
    (v) => (v === '' ? undefined : v),
  );
}

export function absolutePath(expected = 'an absolute path'): Kind<string> {
  return scalar(
    expected,
    '',
    (t) => (isAbsolute(t) ? ok(t) : bad(`${quote(t)} is not absolute`)),
    (v) => (v === '' ? undefined : v),
  );
}

export function ip(): Kind<string> {
  return scalar(
    'an IPv4 or IPv6 address',
    '',
    (t) => (isIP(t) === 0 ? bad(`invalid address ${quote(t)}`) : ok(t)),
    (v) => (v === '' ? undefined : v),
  );
}

export function integer(min: number, max: number): Kind<number> {
  return scalar(
    `an integer from ${String(min)} to ${String(max)}`,
    min,
    (t) => {
      if (!/^[+-]?\d+$/.test(t)) return bad(`invalid value ${quote(t)}`);
      const n = Number(t);
      return n < min || n > max ? bad(`${String(n)} is out of range`) : ok(n);
    },
    (v) => v,
  );
}

const UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds, fractions allowed; a unit suffix (ms, s, m, h) is accepted and converted. */
export function seconds(min: number, max: number): Kind<number> {
  return scalar(
    `seconds from ${String(min)} to ${String(max)}`,
    min,
    (t) => {
      const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/.exec(t);
      if (m === null) return bad(`invalid value ${quote(t)}`);
      const n = Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1);
      return n < min || n > max ? bad(`${t} is out of range`) : ok(n);
    },
    (v) => v,
  );
}

export function boolean(): Kind<boolean> {
  return scalar(
    'true, on, yes, 1, false, off, no or 0',
    false,
    (t) => {
      if (/^(true|on|yes|1)$/i.test(t)) return ok(true);
      if (/^(false|off|no|0)$/i.test(t)) return ok(false);
      return bad(`invalid value ${quote(t)}`);
    },
    (v) => v,
  );
}

/** One of `values`; `empty` is the value of an unset key without default (first value unless given). */
export function oneOf<const T extends string>(values: readonly T[], empty?: T): Kind<T> {
  return scalar(
    orList(values),
    empty ?? values[0] ?? ('' as T),
    (t) => {
      const v = values.find((x) => x === t);
      return v === undefined ? bad(`invalid value ${quote(t)}`) : ok(v);
    },
    (v) => v,
  );
}

/** Comma list (MMM: `a, b`) or a YAML sequence. Empty entries are refused. */
export function list(expected: string, item?: Kind<string>): Kind<readonly string[]> {
  return {
    expected,
    empty: [],
    secret: false,
    show: (v) => v,
    parse(raw, env, pos, key) {
      const items = 'text' in raw ? (raw.text.trim() === '' ? [] : raw.text.split(/\s*,\s*/)) : raw.items;
      const out: string[] = [];
      for (const it of items) {
        const t = it.trim();
        if (t === '') return bad('the list has an empty entry');
        if (item !== undefined) {
          const p = item.parse({ text: t }, env, pos, key);
          if (!p.ok) return p;
        }
        out.push(t);
      }
      return ok(out);
    },
  };
}

/** undefined when unset; otherwise as the inner kind. */
export function optional<V>(inner: Kind<V>): Kind<V | undefined> {
  return {
    expected: inner.expected,
    empty: undefined,
    secret: inner.secret,
    parse: (raw, env, pos, key) => inner.parse(raw, env, pos, key),
    show: (v) => (v === undefined ? undefined : inner.show(v)),
  };
}

export const SECRET_MASK = '***';

/** `env:VAR` or `file:/path` (an indirection), or undefined for a password written in clear. */
export function secretReference(textValue: string): string | undefined {
  return /^(env|file):/.test(textValue) ? textValue : undefined;
}

/** A password or token: in clear, `env:VARIABLE`, or `file:/absolute/path` (first line ending stripped). */
export function secret(): Kind<Secret> {
  return scalar(
    'a password, env:VARIABLE or file:/absolute/path',
    new Secret(''),
    (t, env, pos, key) => {
      if (t.startsWith('env:')) {
        const name = t.slice(4);
        if (!/^[A-Za-z_]\w*$/.test(name)) return bad(`invalid environment variable name ${quote(name)}`);
        if (env.referencesUnresolved === true) return ok(new Secret(''));
        const value = env.env[name];
        return value === undefined ? bad(`environment variable ${name} is not set`) : ok(new Secret(value));
      }
      if (t.startsWith('file:')) return readSecret(t.slice(5), env, pos, key);
      if (t === SECRET_MASK) return bad(`'${SECRET_MASK}' is a placeholder left by --convert-config or --check-config`);
      env.literalSecret(pos, key);
      return ok(new Secret(t));
    },
    (v) => (v.isEmpty() ? undefined : SECRET_MASK),
    true,
  );
}

export function readSecret(path: string, env: ParseEnv, pos: Pos, key: string): Parsed<Secret> {
  if (!isAbsolute(path)) return bad(`secret file ${quote(path)} is not absolute`);
  if (env.referencesUnresolved === true) return ok(new Secret(''));
  try {
    return ok(new Secret(env.readSecretFile(path, pos, key).replace(/\r?\n$/, '')));
  } catch (e) {
    return bad(`cannot read secret file ${path} (${errorCode(e)})`);
  }
}

export function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return e instanceof Error ? e.message : String(e);
}

export function orList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1] ?? ''}`;
}

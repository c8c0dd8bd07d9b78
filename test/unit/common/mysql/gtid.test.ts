import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareMariaPositions,
  compareMysqlGtidSets,
  formatMariaPosition,
  formatMariaState,
  formatMysqlGtidSet,
  mariaPositionContains,
  mariaPositionDifference,
  mariaStateContains,
  mariaStateDifference,
  mariaStateIsSubset,
  mariaStateUnion,
  mostAdvanced,
  mysqlGtidContains,
  mysqlGtidCount,
  mysqlGtidDifference,
  mysqlGtidEquals,
  mysqlGtidIntersection,
  mysqlGtidIsSubset,
  mysqlGtidUnion,
  parseMariaGtid,
  parseMariaPosition,
  parseMariaState,
  parseMysqlGtidSet,
  type MariaGtid,
  type MariaPosition,
  type MariaState,
  type MysqlGtidSet,
} from '../../../../common/mysql/gtid.js';

const U1 = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const U2 = '73f86016-978b-11ee-ade5-8d2a2a562feb';
const U3 = 'ed102faf-eb00-11eb-8f20-0c5415bfaa1d';

describe('MariaDB GTID text', () => {
  it('parses and formats positions in domain order', () => {
    const p = parseMariaPosition('1-2-7, 0-1-42');
    expect(p.get(0)).toEqual({ domain: 0, server: 1, seq: 42n });
    expect(formatMariaPosition(p)).toBe('0-1-42,1-2-7');
    expect(parseMariaPosition('').size).toBe(0);
    expect(parseMariaPosition('  ').size).toBe(0);
  });

  it('keeps 64-bit sequence numbers exact', () => {
    expect(parseMariaGtid('4294967295-4294967295-18446744073709551615').seq).toBe(18446744073709551615n);
    expect(() => parseMariaGtid('0-1-18446744073709551616')).toThrow(/seq 18446744073709551616 is larger than/);
    expect(() => parseMariaGtid('4294967296-1-1')).toThrow(/domain 4294967296 is larger than 4294967295/);
  });

  it('names the bad element and what was expected', () => {
    expect(() => parseMariaPosition('0-1-5,0-1', 'gtid_slave_pos')).toThrow(
      'invalid gtid_slave_pos "0-1-5,0-1": element 2 "0-1" is not domain-server-seq',
    );
    expect(() => parseMariaPosition('0-1-5,0-2-6')).toThrow(/domain 0 appears twice/);
    expect(() => parseMariaState('0-1-5,0-1-6')).toThrow(/domain 0 server 1 appears twice/);
    expect(() => parseMariaPosition('0-1-x')).toThrow(/element 1 "0-1-x"/);
  });

  it('orders binlog state by domain, then server', () => {
    expect(formatMariaState(parseMariaState('1-1-3,0-2-3,0-1-2'))).toBe('0-1-2,0-2-3,1-1-3');
  });
});

describe('MariaDB positions compare per domain by seq', () => {
  const pos = (t: string): MariaPosition => parseMariaPosition(t);

  it('is ahead with a higher seq in every domain', () => {
    expect(compareMariaPositions(pos('0-1-10,1-2-5'), pos('0-1-9,1-2-5'))).toBe('ahead');
    expect(compareMariaPositions(pos('0-1-9'), pos('0-1-10'))).toBe('behind');
    expect(compareMariaPositions(pos('0-1-9'), pos('0-1-9'))).toBe('equal');
  });

  it('treats a higher seq from another server as ahead (the documented limit)', () => {
    expect(mariaPositionContains(pos('0-2-11'), pos('0-1-10'))).toBe(true);
  });

  it('calls the same seq from two servers diverged', () => {
    expect(compareMariaPositions(pos('0-1-10'), pos('0-2-10'))).toBe('diverged');
  });

  it('calls ahead in one domain and behind in another diverged', () => {
    expect(compareMariaPositions(pos('0-1-10,1-1-3'), pos('0-1-9,1-1-4'))).toBe('diverged');
  });

  it('needs every domain of the other side', () => {
    expect(mariaPositionContains(pos('0-1-10'), pos('0-1-10,1-1-1'))).toBe(false);
    expect(formatMariaPosition(mariaPositionDifference(pos('0-1-10,1-1-1,2-1-5'), pos('0-1-10,2-3-5')))).toBe(
      '1-1-1,2-1-5',
    );
  });
});

describe('MariaDB binlog state difference finds errant transactions', () => {
  it('finds the lab-facts §4 case: db1 0-1-2,0-2-3 against db2 0-1-1,0-2-3', () => {
    const db1 = parseMariaState('0-1-2,0-2-3');
    const db2 = parseMariaState('0-1-1,0-2-3');
    expect(formatMariaState(mariaStateDifference(db1, db2))).toBe('0-1-2');
    expect(mariaStateDifference(db2, db1).size).toBe(0);
    expect(mariaStateContains(db1, db2)).toBe(true);
    expect(mariaStateIsSubset(db1, db2)).toBe(false);
  });

  it('counts a (domain, server) the other side never saw as errant', () => {
    expect(formatMariaState(mariaStateDifference(parseMariaState('0-1-5,0-3-1'), parseMariaState('0-1-5')))).toBe(
      '0-3-1',
    );
  });
});

describe('MySQL GTID sets', () => {
  it('parses gtid_executed as the server prints it (newlines, upper case, unsorted, overlapping)', () => {
    const s = parseMysqlGtidSet(`${U2.toUpperCase()}:1-3,\n${U1}:7-9:1-5:6\n`);
    expect(formatMysqlGtidSet(s)).toBe(`${U1}:1-9,${U2}:1-3`);
    expect(mysqlGtidCount(s)).toBe(12n);
  });

  it('parses and formats 8.4 tags (case-insensitive, untagged first, tags in order)', () => {
    // After a tag, every following interval of the element belongs to that tag.
    const s = parseMysqlGtidSet(`${U1}:1-5:Zed:1-2,${U1}:alpha:3:4`);
    expect(formatMysqlGtidSet(s)).toBe(`${U1}:1-5:alpha:3-4:zed:1-2`);
    expect(mysqlGtidContains(s, parseMysqlGtidSet(`${U1}:ALPHA:4`))).toBe(true);
    expect(mysqlGtidContains(s, parseMysqlGtidSet(`${U1}:4`))).toBe(true);
    expect(mysqlGtidContains(s, parseMysqlGtidSet(`${U1}:zed:3`))).toBe(false);
    expect(formatMysqlGtidSet(parseMysqlGtidSet(`${U1}:t:1`))).toBe(`${U1}:t:1`);
  });

  it('names the bad element and what was expected', () => {
    expect(() => parseMysqlGtidSet('nonsense:1-5', 'gtid_executed')).toThrow(
      'invalid gtid_executed "nonsense:1-5": element 1 "nonsense:1-5" does not start with a server UUID',
    );
    expect(() => parseMysqlGtidSet(`${U1}:0-5`)).toThrow(/interval "0-5" must satisfy 1 <= start <= end < 2\^63/);
    expect(() => parseMysqlGtidSet(`${U1}:5-3`)).toThrow(/interval "5-3"/);
    expect(() => parseMysqlGtidSet(`${U1}:9223372036854775808`)).toThrow(/< 2\^63/);
    expect(() => parseMysqlGtidSet(U1)).toThrow(/ends without transaction numbers/);
    expect(() => parseMysqlGtidSet(`${U1}:1-5:tag`)).toThrow(/ends without transaction numbers/);
    expect(() => parseMysqlGtidSet(`${U1}:a:b:1`)).toThrow(/tag "b" follows a tag without transaction numbers/);
    expect(() => parseMysqlGtidSet(`${U1}:1-x`)).toThrow(/"1-x" is neither an interval \(N or N-M\) nor a tag/);
    expect(() => parseMysqlGtidSet(`${U1}:1,,${U2}:1`)).toThrow(/element 2 ""/);
  });

  it('computes errant transactions as a set difference', () => {
    const replica = parseMysqlGtidSet(`${U1}:1-100,${U2}:1-2`);
    const writer = parseMysqlGtidSet(`${U1}:1-120`);
    expect(formatMysqlGtidSet(mysqlGtidDifference(replica, writer))).toBe(`${U2}:1-2`);
    expect(formatMysqlGtidSet(mysqlGtidDifference(writer, replica))).toBe(`${U1}:101-120`);
    expect(compareMysqlGtidSets(replica, writer)).toBe('diverged');
    expect(compareMysqlGtidSets(writer, parseMysqlGtidSet(`${U1}:1-50`))).toBe('ahead');
  });

  it('cuts holes out of intervals', () => {
    const a = parseMysqlGtidSet(`${U1}:1-20`);
    const b = parseMysqlGtidSet(`${U1}:3-4:10:15-30`);
    expect(formatMysqlGtidSet(mysqlGtidDifference(a, b))).toBe(`${U1}:1-2:5-9:11-14`);
    expect(formatMysqlGtidSet(mysqlGtidIntersection(a, b))).toBe(`${U1}:3-4:10:15-20`);
  });
});

describe('mostAdvanced', () => {
  const pos = (t: string): MariaPosition => parseMariaPosition(t);

  it('picks the candidate that contains all others (ties all lead)', () => {
    const r = mostAdvanced(
      [
        { key: 'db2', gtid: pos('0-1-20') },
        { key: 'db3', gtid: pos('0-1-19') },
        { key: 'db4', gtid: pos('0-1-20') },
      ],
      mariaPositionContains,
    );
    expect(r).toEqual({ leaders: ['db2', 'db4'], maximal: ['db2', 'db4'] });
  });

  it('reports diverged candidates as several maximal and no leader', () => {
    const r = mostAdvanced(
      [
        { key: 'a', gtid: parseMysqlGtidSet(`${U1}:1-10,${U2}:1`) },
        { key: 'b', gtid: parseMysqlGtidSet(`${U1}:1-11`) },
        { key: 'c', gtid: parseMysqlGtidSet(`${U1}:1-5`) },
      ],
      mysqlGtidContains,
    );
    expect(r).toEqual({ leaders: [], maximal: ['a', 'b'] });
  });

  it('handles no candidates', () => {
    expect(mostAdvanced([], mysqlGtidContains)).toEqual({ leaders: [], maximal: [] });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const seqArb = fc.oneof(
  { weight: 9, arbitrary: fc.bigInt({ min: 1n, max: 40n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 18446744073709551615n }) },
);
const mariaGtidArb: fc.Arbitrary<MariaGtid> = fc.record({
  domain: fc.integer({ min: 0, max: 3 }),
  server: fc.integer({ min: 1, max: 3 }),
  seq: seqArb,
});
const positionArb: fc.Arbitrary<MariaPosition> = fc
  .uniqueArray(mariaGtidArb, { selector: (g) => g.domain, maxLength: 4 })
  .map((gs) => new Map(gs.map((g) => [g.domain, g])));
const stateArb: fc.Arbitrary<MariaState> = fc
  .uniqueArray(mariaGtidArb, { selector: (g) => `${g.domain}-${g.server}`, maxLength: 8 })
  .map((gs) => new Map(gs.map((g) => [`${g.domain}-${g.server}`, g])));

const keyArb = fc.constantFrom(U1, U2, U3, `${U1}:tag_a`, `${U2}:b`);
const elementArb = fc
  .tuple(keyArb, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 6 }))
  .map(([k, s, len]) => `${k}:${s}${len === 0 ? '' : `-${s + len}`}`);
const gtidSetArb: fc.Arbitrary<MysqlGtidSet> = fc
  .array(elementArb, { maxLength: 8 })
  .map((els) => parseMysqlGtidSet(els.join(',')));

/** The set as explicit members "key#n" (the model the interval arithmetic must agree with). */
function members(s: MysqlGtidSet): Set<string> {
  const out = new Set<string>();
  for (const [k, list] of s) for (const iv of list) for (let n = iv.start; n <= iv.end; n++) out.add(`${k}#${n}`);
  return out;
}
const sorted = (s: Set<string>): string[] => [...s].sort();

describe('GTID properties (fast-check)', () => {
  it('MariaDB position: parse ∘ format is the identity', () => {
    fc.assert(
      fc.property(positionArb, (p) => {
        expect(parseMariaPosition(formatMariaPosition(p))).toEqual(p);
      }),
    );
  });

  it('MariaDB state: parse ∘ format is the identity', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        expect(parseMariaState(formatMariaState(s))).toEqual(s);
      }),
    );
  });

  it('MariaDB position: contains is reflexive and transitive; compare is antisymmetric', () => {
    fc.assert(
      fc.property(positionArb, positionArb, positionArb, (a, b, c) => {
        expect(mariaPositionContains(a, a)).toBe(true);
        if (mariaPositionContains(a, b) && mariaPositionContains(b, c)) {
          expect(mariaPositionContains(a, c)).toBe(true);
        }
        const flip = { equal: 'equal', ahead: 'behind', behind: 'ahead', diverged: 'diverged' } as const;
        expect(compareMariaPositions(b, a)).toBe(flip[compareMariaPositions(a, b)]);
        expect(mariaPositionContains(b, mariaPositionDifference(a, b))).toBe(mariaPositionDifference(a, b).size === 0);
        expect(mariaPositionDifference(a, b).size === 0).toBe(mariaPositionContains(b, a));
      }),
    );
  });

  it('MariaDB state: difference, subset and union laws', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (a, b) => {
        const d = mariaStateDifference(a, b);
        for (const [k, g] of d) expect(a.get(k)).toEqual(g); // what a has ...
        expect(mariaStateContains(b, d)).toBe(d.size === 0); // ... that b lacks
        expect(mariaStateContains(a, b)).toBe(mariaStateDifference(b, a).size === 0);
        expect(mariaStateIsSubset(a, a)).toBe(true);
        const u = mariaStateUnion(a, b);
        expect(mariaStateContains(u, a) && mariaStateContains(u, b)).toBe(true);
        expect(mariaStateDifference(a, u).size).toBe(0);
      }),
    );
  });

  it('MySQL: parse ∘ format is the identity and format is canonical', () => {
    fc.assert(
      fc.property(gtidSetArb, (s) => {
        const text = formatMysqlGtidSet(s);
        expect(parseMysqlGtidSet(text)).toEqual(s);
        expect(formatMysqlGtidSet(parseMysqlGtidSet(text.toUpperCase().replace(/,/g, ',\n')))).toBe(text);
      }),
    );
  });

  it('MySQL: union, intersection and difference agree with explicit member sets', () => {
    fc.assert(
      fc.property(gtidSetArb, gtidSetArb, (a, b) => {
        const [ma, mb] = [members(a), members(b)];
        expect(sorted(members(mysqlGtidUnion(a, b)))).toEqual(sorted(new Set([...ma, ...mb])));
        expect(sorted(members(mysqlGtidIntersection(a, b)))).toEqual(sorted(new Set([...ma].filter((x) => mb.has(x)))));
        expect(sorted(members(mysqlGtidDifference(a, b)))).toEqual(sorted(new Set([...ma].filter((x) => !mb.has(x)))));
        expect(mysqlGtidContains(a, b)).toBe([...mb].every((x) => ma.has(x)));
        expect(mysqlGtidCount(a)).toBe(BigInt(ma.size));
      }),
    );
  });

  it('MySQL: difference and subset laws', () => {
    fc.assert(
      fc.property(gtidSetArb, gtidSetArb, (a, b) => {
        const d = mysqlGtidDifference(a, b);
        expect(mysqlGtidIntersection(d, b).size).toBe(0);
        expect(mysqlGtidEquals(mysqlGtidUnion(d, mysqlGtidIntersection(a, b)), a)).toBe(true);
        expect(mysqlGtidIsSubset(d, a)).toBe(true);
        expect(mysqlGtidIsSubset(b, a)).toBe(mysqlGtidDifference(b, a).size === 0);
        expect(mysqlGtidIsSubset(a, mysqlGtidUnion(a, b))).toBe(true);
        expect(mysqlGtidEquals(a, b)).toBe(formatMysqlGtidSet(a) === formatMysqlGtidSet(b));
        expect(mysqlGtidCount(mysqlGtidUnion(a, b))).toBe(
          mysqlGtidCount(a) + mysqlGtidCount(b) - mysqlGtidCount(mysqlGtidIntersection(a, b)),
        );
      }),
    );
  });

  it('mostAdvanced: leaders contain everyone; everyone else is below some maximal candidate', () => {
    fc.assert(
      fc.property(fc.array(gtidSetArb, { maxLength: 5 }), (sets) => {
        const cands = sets.map((gtid, key) => ({ key, gtid }));
        const { leaders, maximal } = mostAdvanced(cands, mysqlGtidContains);
        for (const l of leaders) for (const c of cands) expect(mysqlGtidContains(sets[l]!, c.gtid)).toBe(true);
        if (leaders.length > 0) expect(maximal).toEqual(leaders);
        for (const c of cands) {
          if (maximal.includes(c.key)) continue;
          expect(maximal.some((m) => mysqlGtidContains(sets[m]!, c.gtid))).toBe(true);
        }
      }),
    );
  });
});

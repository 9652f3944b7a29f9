import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allows,
  STORED_PHASES,
  columnsOf,
  phaseOf,
  phasePredicate,
  TRANSITIONS,
  type Phase,
  type TransitionName,
} from './payment-states';
import { paymentStatesSection } from './state-diagram';

const BEGIN = '<!-- generated from src/lifecycle/payment-states.ts (TRANSITIONS) -->';
const END = '<!-- end of generated part -->';

describe('the payment state machine (docs/payment-states.md)', () => {
  it('docs/payment-states.md draws exactly the transition table', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'payment-states.md'), 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const drawn = doc.slice(start + BEGIN.length, end).trim();
    // On failure: paste the expected text between the two markers.
    expect(drawn).toBe(paymentStatesSection());
  });

  it('every phase but NEW is reachable, and only NEW has no way in', () => {
    const reached = new Set<Phase>(Object.values(TRANSITIONS).map((t) => t.to));
    expect([...reached].sort()).toEqual([...STORED_PHASES].sort());
  });

  it('ended phases are final: no transition leaves DECLINED, UNKNOWN, NO_SCAN, CLOSED, CONFIRMED or REVERSED', () => {
    const leaving = Object.values(TRANSITIONS).flatMap((t) => [...t.from]);
    for (const final of ['DECLINED', 'UNKNOWN', 'NO_SCAN', 'CLOSED', 'CONFIRMED', 'REVERSED'] as const) {
      expect(leaving).not.toContain(final);
    }
  });

  it('a phase is read from state and settlement, and written back as the same columns', () => {
    expect(phaseOf({ state: 'APPROVED', settlement: 'NONE' })).toBe('APPROVED');
    expect(phaseOf({ state: 'APPROVED', settlement: 'CONFIRMED' })).toBe('CONFIRMED');
    expect(phaseOf({ state: 'APPROVED', settlement: 'REVERSED' })).toBe('REVERSED');
    expect(phaseOf({ state: 'SENDING', settlement: 'NONE' })).toBe('SENDING');
    for (const phase of ['WAITING_SCAN', 'SENDING', 'APPROVED', 'CONFIRMED', 'REVERSED', 'UNKNOWN'] as const) {
      const { state, settlement } = columnsOf(phase);
      expect(phaseOf({ state, settlement: settlement ?? 'NONE' })).toBe(phase);
    }
  });

  it('the SQL a transition requires names its phases as literals', () => {
    expect(phasePredicate(TRANSITIONS.confirm.from)).toBe("(state = 'APPROVED' AND settlement = 'NONE')");
    expect(phasePredicate(TRANSITIONS.claimForScan.from)).toBe("state = 'WAITING_SCAN'");
    expect(() => phasePredicate(['NEW'])).toThrow('never NEW');
  });

  it.each(Object.keys(TRANSITIONS) as TransitionName[])('%s is allowed from its phases and from no other', (name) => {
    const phases: Phase[] = ['NEW', ...STORED_PHASES];
    const from: readonly Phase[] = TRANSITIONS[name].from;
    for (const phase of phases) expect(allows(name, phase)).toBe(from.includes(phase));
  });
});

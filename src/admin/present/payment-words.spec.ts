import type { WordFacts } from './payment-words';
import { paymentWords } from './payment-words';

const base: WordFacts = {
  state: 'APPROVED',
  settlement: 'NONE',
  reversalRequested: false,
  error: null,
  unknownReason: null,
};
const words = (f: Partial<WordFacts>): string => paymentWords({ ...base, ...f }).text;

describe('payment words: what happened, from the lifecycle', () => {
  it('says what an approved payment became and where its advice stands', () => {
    expect(words({})).toBe('Approved · awaiting confirmation');
    expect(words({ settlement: 'CONFIRMED', advice: 'DELIVERED' })).toBe('Approved · confirmed · delivered');
    expect(words({ settlement: 'CONFIRMED', advice: 'PENDING' })).toBe('Approved · confirmed · delivery pending');
    expect(words({ settlement: 'REVERSED', advice: 'PARKED' })).toBe('Approved · reversed · delivery parked');
    expect(paymentWords({ ...base, settlement: 'REVERSED', advice: 'PARKED' }).tone).toBe('attention');
    expect(words({ settlement: 'CONFIRMED', advice: 'RESOLVED' })).toBe(
      'Approved · confirmed · resolved by an operator',
    );
  });

  it('names the partner’s errorType for a decline, and why the hub reversed an unknown outcome', () => {
    expect(words({ state: 'DECLINED', error: { errorType: 'INSUFFICIENT_FUNDS' } })).toBe(
      'Declined — INSUFFICIENT_FUNDS',
    );
    expect(words({ state: 'DECLINED', error: null })).toBe('Declined — by the partner');
    expect(words({ state: 'UNKNOWN', unknownReason: 'PARTNER_TIMEOUT' })).toBe('Reversed — partner timed out');
    expect(words({ state: 'UNKNOWN', unknownReason: 'HUB_STOPPED', advice: 'DELIVERED' })).toBe(
      'Reversed — hub stopped mid-payment · delivered',
    );
    expect(words({ state: 'UNKNOWN' })).toBe('Reversed — outcome unknown');
  });

  it('tells a payment that never reached a partner from one still on its way', () => {
    expect(words({ state: 'WAITING_SCAN' })).toBe("Waiting for the customer's scan");
    expect(words({ state: 'SENDING' })).toBe('With the partner — awaiting its answer');
    expect(words({ state: 'SENDING', reversalRequested: true })).toContain('retailer reversed');
    expect(words({ state: 'NO_SCAN' })).toBe('Not scanned — the wait ran out');
    expect(words({ state: 'CLOSED', reversalRequested: true })).toBe('Cancelled — retailer reversed before the scan');
    expect(words({ state: 'CLOSED' })).toBe('Closed — retailer or hub went away before the scan');
  });
});

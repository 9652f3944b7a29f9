import { ErrorType } from '@qr-hub/protocol';
import {
  adviceDecision,
  approvedPaymentResponse,
  centsOf,
  requestAmountOf,
  SANDBOX_RULES,
  SANDBOX_SLOW_MS,
  sandboxDecision,
  sandboxErrorDetail,
} from './sandbox-rules';

describe('sandbox rules', () => {
  describe('sandboxDecision (by the cents of the requested amount)', () => {
    it.each([0, 1, 25, 49, 100, 1000, 12_349])('approves %i in full at once', (amount) => {
      expect(sandboxDecision(amount)).toEqual({ kind: 'approve', delayMs: 0 });
    });

    it.each([50, 52, 56, 58, 90, 93, 95, 99, 1099])('approves %i (no special rule)', (amount) => {
      expect(sandboxDecision(amount)).toEqual({ kind: 'approve', delayMs: 0 });
    });

    it('declines ..51 with INSUFFICIENT_FUNDS, provider code 51, HTTP 400', () => {
      expect(sandboxDecision(1051)).toEqual({
        kind: 'decline',
        status: 400,
        errorType: ErrorType.INSUFFICIENT_FUNDS,
        providerErrorCode: '51',
        errorMessage: 'Insufficient funds',
      });
    });

    it('declines ..57 with DECLINED_BY_PARTNER, provider code 57', () => {
      expect(sandboxDecision(57)).toMatchObject({
        kind: 'decline',
        status: 400,
        errorType: ErrorType.DECLINED_BY_PARTNER,
        providerErrorCode: '57',
      });
    });

    it('hangs on ..91, answers 500 on ..96, approves slowly on ..92', () => {
      expect(sandboxDecision(1091)).toEqual({ kind: 'hang' });
      expect(sandboxDecision(1096)).toEqual({ kind: 'fault', status: 500 });
      expect(sandboxDecision(1092)).toEqual({ kind: 'approve', delayMs: SANDBOX_SLOW_MS });
    });

    it('approves ..97 and ..98 (their advices are special)', () => {
      expect(sandboxDecision(1097)).toEqual({ kind: 'approve', delayMs: 0 });
      expect(sandboxDecision(1098)).toEqual({ kind: 'approve', delayMs: 0 });
    });

    it('refuses amounts that are not whole numbers', () => {
      expect(() => sandboxDecision(10.5)).toThrow(RangeError);
      expect(() => centsOf(Number.NaN)).toThrow(RangeError);
    });
  });

  describe('adviceDecision', () => {
    it('accepts advices for ordinary amounts on the first try', () => {
      expect(adviceDecision(1000, 1)).toEqual({ kind: 'accept', status: 202 });
      expect(adviceDecision(1051, 1)).toEqual({ kind: 'accept', status: 202 });
    });

    it('..97: fails with 500 twice, accepts on the third try', () => {
      expect([1, 2, 3, 4].map((n) => adviceDecision(1097, n).kind)).toEqual(['fault', 'fault', 'accept', 'accept']);
      expect(adviceDecision(1097, 1)).toEqual({ kind: 'fault', status: 500 });
    });

    it('..98: refuses every attempt with a 400 (a failed final answer)', () => {
      for (const attempt of [1, 2, 5]) {
        expect(adviceDecision(1098, attempt)).toMatchObject({ kind: 'refuse', status: 400, providerErrorCode: '98' });
      }
    });

    it('rejects attempt numbers below 1', () => {
      expect(() => adviceDecision(1000, 0)).toThrow(RangeError);
    });
  });

  describe('SANDBOX_RULES (the documented table)', () => {
    it('covers the special cents and agrees with the decision functions', () => {
      const kindsByRow = SANDBOX_RULES.map((row) => ({
        cents: row.cents,
        pay: row.examples.map((c) => sandboxDecision(1000 + c).kind),
        advices: row.examples.map((c) => adviceDecision(1000 + c, 1).kind),
      }));
      const byCents = Object.fromEntries(kindsByRow.map((r) => [r.cents, r]));
      expect(new Set(byCents['00–49'].pay)).toEqual(new Set(['approve']));
      expect(byCents['51'].pay).toEqual(['decline']);
      expect(byCents['57'].pay).toEqual(['decline']);
      expect(byCents['91'].pay).toEqual(['hang']);
      expect(byCents['96'].pay).toEqual(['fault']);
      expect(byCents['97'].advices).toEqual(['fault']);
      expect(byCents['98'].advices).toEqual(['refuse']);
      expect(new Set(byCents['any other'].pay)).toEqual(new Set(['approve']));
      expect(new Set(byCents['any other'].advices)).toEqual(new Set(['accept']));
    });

    it('lists each special cents value once, in order', () => {
      const special = SANDBOX_RULES.filter((r) => r.cents !== 'any other' && r.cents !== '00–49').map((r) =>
        Number(r.cents),
      );
      expect(special).toEqual([51, 57, 91, 92, 96, 97, 98]);
      expect(new Set(special).size).toBe(special.length);
    });
  });

  describe('messages', () => {
    const request = {
      id: 'req-1',
      time: '2026-11-27T10:00:00.000Z',
      client: { id: 'qr-hub', name: 'QR Hub' },
      originator: { terminalId: 'T1' },
      thirdPartyIdentifiers: [{ institutionId: 'qr-hub', transactionIdentifier: 'h-1' }],
      amounts: { requestAmount: { amount: 1234, currency: '710' } },
      tranId: 'abc',
      partner: { id: 'wallet-a', name: 'Wallet A' },
      partnerPaymentToken: 'tok',
      customer: { firstName: 'not in a PaymentResponse' },
    };

    it('reads the requested amount only when it is a whole, non-negative number', () => {
      expect(requestAmountOf(request)).toBe(1234);
      expect(requestAmountOf({ amounts: { requestAmount: { amount: '1234' } } })).toBeUndefined();
      expect(requestAmountOf({ amounts: { requestAmount: { amount: 12.5 } } })).toBeUndefined();
      expect(requestAmountOf({ amounts: { requestAmount: { amount: -1 } } })).toBeUndefined();
      expect(requestAmountOf({})).toBeUndefined();
    });

    it('builds a PaymentResponse echoing the request and approving it in full', () => {
      const response = approvedPaymentResponse(request, {
        partnerId: 'wallet-a',
        time: '2026-11-27T10:00:01.000Z',
        transactionIdentifier: 'p-9',
      });
      expect(response).toEqual({
        id: 'req-1',
        time: '2026-11-27T10:00:01.000Z',
        client: request.client,
        originator: request.originator,
        tranId: 'abc',
        partner: request.partner,
        partnerPaymentToken: 'tok',
        thirdPartyIdentifiers: [
          { institutionId: 'qr-hub', transactionIdentifier: 'h-1' },
          { institutionId: 'wallet-a', transactionIdentifier: 'p-9' },
        ],
        amounts: {
          requestAmount: { amount: 1234, currency: '710' },
          approvedAmount: { amount: 1234, currency: '710' },
        },
        tenders: [
          {
            tenderType: 'WALLET',
            accountType: 'ELECTRONIC_PURSE',
            amount: { amount: 1234, currency: '710' },
            reference: 'p-9',
          },
        ],
      });
    });

    it('names the partner itself when the request does not', () => {
      const withoutPartner: Record<string, unknown> = { ...request };
      delete withoutPartner.partner;
      const response = approvedPaymentResponse(withoutPartner, {
        partnerId: 'sbx',
        time: 't',
        transactionIdentifier: 'x',
      });
      expect(response.partner).toEqual({ id: 'sbx', name: 'sbx' });
    });

    it('builds ErrorDetails naming the message, the advice target and the tranId', () => {
      const error = { errorType: ErrorType.GENERAL_ERROR, errorMessage: 'No', providerErrorCode: '98' };
      expect(sandboxErrorDetail({ id: 'adv-1', requestId: 'req-1', tranId: 't' }, error, 'fresh')).toEqual({
        id: 'adv-1',
        originalId: 'req-1',
        errorType: ErrorType.GENERAL_ERROR,
        errorMessage: 'No',
        providerErrorCode: '98',
        tranId: 't',
      });
      expect(sandboxErrorDetail({}, error, 'fresh').id).toBe('fresh');
    });
  });
});

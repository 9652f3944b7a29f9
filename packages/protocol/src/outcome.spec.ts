import { classifyStatus, electrumClassifier, MessageKind } from './outcome';

describe('the seed status table', () => {
  it.each([200, 201, 202])('%i is successful for every message', (status) => {
    expect(classifyStatus(status, 'request')).toBe('successful');
    expect(classifyStatus(status, 'confirmation')).toBe('successful');
    expect(classifyStatus(status, 'reversal')).toBe('successful');
  });

  it('404 is successful for a reversal and failed for a request or confirmation', () => {
    expect(classifyStatus(404, 'reversal')).toBe('successful');
    expect(classifyStatus(404, 'request')).toBe('failed');
    expect(classifyStatus(404, 'confirmation')).toBe('failed');
  });

  it.each([500, 504])('%i is unknown', (status) => {
    expect(classifyStatus(status, 'request')).toBe('unknown');
    expect(classifyStatus(status, 'reversal')).toBe('unknown');
  });

  it.each([400, 401, 403, 409, 413, 501, 502, 503, 302, 204])('%i is failed', (status) => {
    expect(classifyStatus(status, 'request')).toBe('failed');
  });
});

describe('electrumClassifier', () => {
  const statuses = [
    100, 200, 201, 202, 203, 204, 301, 302, 400, 401, 403, 404, 409, 413, 422, 429, 500, 501, 502, 503, 504, 599,
  ];
  const kinds: MessageKind[] = ['request', 'confirmation', 'reversal'];
  const table = kinds.flatMap((kind) => statuses.map((status) => [kind, status] as const));

  it.each(table)('a %s answered %i is classified as the status table says', (kind, status) => {
    expect(electrumClassifier({ status, body: null }, kind)).toBe(classifyStatus(status, kind));
  });

  it('reads the status only: a body claiming otherwise changes nothing', () => {
    const body = { errorType: 'GENERAL_ERROR', status: 'DECLINED' };
    for (const kind of kinds) {
      for (const status of statuses) {
        expect(electrumClassifier({ status, body }, kind)).toBe(classifyStatus(status, kind));
      }
    }
  });
});

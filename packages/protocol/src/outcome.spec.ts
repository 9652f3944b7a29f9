import { classifyStatus } from './outcome';

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

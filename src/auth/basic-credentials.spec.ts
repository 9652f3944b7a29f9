import { basicCredentials } from './basic-credentials';

const header = (text: string, scheme = 'Basic') => `${scheme} ${Buffer.from(text).toString('base64')}`;

describe('basicCredentials (RFC 7617)', () => {
  it('splits user-id and password at the first colon: the password keeps its own colons', () => {
    expect(basicCredentials(header('1234:pa:ss:word'))).toEqual({ username: '1234', password: 'pa:ss:word' });
  });

  it('takes an empty password as given, and any case of the scheme name', () => {
    expect(basicCredentials(header('1234:'))).toEqual({ username: '1234', password: '' });
    expect(basicCredentials(header('1234:x', 'BASIC'))).toEqual({ username: '1234', password: 'x' });
  });

  it.each([
    ['no header', undefined],
    ['no colon', header('1234')],
    ['another scheme', header('1234:x', 'Bearer')],
    ['a scheme that only contains the word', header('1234:x', 'NotBasic')],
    ['no credentials after the scheme', 'Basic '],
    ['not base64', 'Basic !!!'],
    ['two tokens', `${header('1234:x')} ${Buffer.from('y').toString('base64')}`],
  ])('refuses %s', (_, value) => {
    expect(basicCredentials(value)).toBeUndefined();
  });
});

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { InstitutionDto } from '@app/common/dto/institution.dto';
import { codePointLength } from './length';

const violations = (id: string) =>
  validateSync(plainToInstance(InstitutionDto, { id, name: 'x' })).map((e) => Object.values(e.constraints ?? {}));

describe('lengths count code points, as PostgreSQL varchar and JSON Schema do', () => {
  it('counts a surrogate pair once and a variation selector as a character', () => {
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('a\uFE0F')).toBe(2);
    expect(codePointLength('\uD800')).toBe(1);
  });

  it('accepts 256 emoji as an id of 256 characters', () => {
    expect(violations('😀'.repeat(256))).toEqual([]);
  });

  it('refuses 256 letters plus a variation selector (257 characters for a varchar(256) column)', () => {
    expect(violations(`${'a'.repeat(256)}\uFE0F`)).toEqual([['id must be shorter than or equal to 256 characters']]);
  });
});

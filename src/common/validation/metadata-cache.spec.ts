import { getMetadataStorage, IsInt, IsString, MaxLength, validateSync } from 'class-validator';
import { cacheValidationMetadata } from './metadata-cache';

class Parent {
  @IsString()
  name!: unknown;
}

const problems = (object: object) =>
  validateSync(object, { whitelist: true, forbidUnknownValues: true })
    .map((e) => e.property)
    .sort();

describe('class-validator rules remembered per class (metadata-cache.ts)', () => {
  beforeAll(() => cacheValidationMetadata());

  it('hands out the same rules for a class on every lookup', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Parent, '', false, false);
    expect(storage.getTargetValidationMetadatas(Parent, '', false, false)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    expect(first.map((rule) => rule.propertyName)).toEqual(['name']);
  });

  it('validates as before: the same violations every time', () => {
    const bad = Object.assign(new Parent(), { name: 7 });
    expect(problems(bad)).toEqual(['name']);
    expect(problems(bad)).toEqual(['name']);
    expect(problems(Object.assign(new Parent(), { name: 'ok' }))).toEqual([]);
  });

  it('sees a class declared after the first validation, with its inherited rules', () => {
    expect(problems(Object.assign(new Parent(), { name: 1 }))).toEqual(['name']);
    class Child extends Parent {
      @IsInt()
      count!: unknown;

      @MaxLength(2)
      @IsString()
      code!: unknown;
    }
    expect(problems(Object.assign(new Child(), { name: 2, count: 'x', code: 'long' }))).toEqual([
      'code',
      'count',
      'name',
    ]);
    expect(problems(Object.assign(new Child(), { name: 'a', count: 1, code: 'ab' }))).toEqual([]);
  });

  it('forgets what it knew of a class when a rule is added to it later', () => {
    class Late {
      @IsString()
      name!: unknown;
    }
    expect(problems(Object.assign(new Late(), { name: 'a', extra: 'x' }))).toEqual([]);
    IsInt()(Late.prototype, 'extra');
    expect(problems(Object.assign(new Late(), { name: 'a', extra: 'x' }))).toEqual(['extra']);
  });

  it('is installed once however often the pipe is made', () => {
    const storage = getMetadataStorage();
    const lookUp = storage.getTargetValidationMetadatas;
    cacheValidationMetadata();
    expect(storage.getTargetValidationMetadatas).toBe(lookUp);
  });
});

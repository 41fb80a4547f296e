import { describe, expect, it } from 'vitest';
import { fieldProblems } from './field-problems';

describe('fieldProblems', () => {
  it('puts each named part beside its field, keeps "; " inside a field\'s text, and leaves the rest as other', () => {
    expect(fieldProblems('name: give the name; address: give the address', ['name', 'address', 'deaNumber'] as const)).toEqual({ byField: { name: 'give the name', address: 'give the address' }, first: 'name', other: null });
    expect(fieldProblems('code: not one this server issued; check it. This workstation was not enrolled.', ['serverUrl', 'code'] as const)).toEqual({
      byField: { code: 'not one this server issued; check it. This workstation was not enrolled.' },
      first: 'code',
      other: null,
    });
    expect(fieldProblems('the server refused it', ['serverUrl', 'code'] as const)).toEqual({ byField: {}, first: null, other: 'the server refused it' });
  });
});

import { toProfile, type Customer } from './profile';

const customer: Customer = {
  id: 4,
  email: 'pedro.diaz@example.com',
  firstName: 'pedro',
  lastName: 'Díaz',
  phone: '+56 9 1',
  city: null,
  createdAt: '2026-03-04T10:00:00.000Z',
  updatedAt: '2026-03-05T10:00:00.000Z',
};

describe('toProfile', () => {
  it('composes the profile the app shows', () => {
    expect(toProfile(customer)).toEqual({
      id: 4,
      fullName: 'pedro Díaz',
      initials: 'PD',
      email: 'pedro.diaz@example.com',
      contact: { phone: '+56 9 1', city: null },
      memberSince: '2026-03-04',
      completeness: 50,
      missingFields: ['city'],
    });
  });

  it.each([
    [{ phone: null, city: null }, 0],
    [{ phone: 'x', city: 'y' }, 100],
  ])('completeness of %j is %i', (fields, expected) => {
    expect(toProfile({ ...customer, ...fields }).completeness).toBe(expected);
  });
});

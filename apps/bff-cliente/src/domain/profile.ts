/** A customer as cliente-service returns it. */
export interface Customer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  city: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the customer app shows on the profile screen. */
export interface Profile {
  id: number;
  fullName: string;
  initials: string;
  email: string;
  contact: { phone: string | null; city: string | null };
  memberSince: string;
  /** Share of optional fields filled in, 0–100, so the app can nudge the user. */
  completeness: number;
  missingFields: string[];
}

const OPTIONAL_FIELDS = ['phone', 'city'] as const;

export function toProfile(customer: Customer): Profile {
  const missingFields = OPTIONAL_FIELDS.filter((field) => !customer[field]);
  return {
    id: customer.id,
    fullName: `${customer.firstName} ${customer.lastName}`.trim(),
    initials: `${customer.firstName.charAt(0)}${customer.lastName.charAt(0)}`.toUpperCase(),
    email: customer.email,
    contact: { phone: customer.phone, city: customer.city },
    memberSince: customer.createdAt.slice(0, 10),
    completeness: Math.round(
      (100 * (OPTIONAL_FIELDS.length - missingFields.length)) / OPTIONAL_FIELDS.length,
    ),
    missingFields,
  };
}

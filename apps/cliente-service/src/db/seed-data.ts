export interface SeedCustomer {
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  city: string;
}

export const SEED_CUSTOMERS: SeedCustomer[] = [
  {
    email: 'maria.gonzalez@example.com',
    firstName: 'María',
    lastName: 'González',
    phone: '+56 9 6123 4501',
    city: 'Santiago',
  },
  {
    email: 'jose.munoz@example.com',
    firstName: 'José',
    lastName: 'Muñoz',
    phone: '+56 9 6123 4502',
    city: 'Valparaíso',
  },
  {
    email: 'ana.rojas@example.com',
    firstName: 'Ana',
    lastName: 'Rojas',
    phone: '+56 9 6123 4503',
    city: 'Concepción',
  },
  {
    email: 'pedro.diaz@example.com',
    firstName: 'Pedro',
    lastName: 'Díaz',
    phone: '+56 9 6123 4504',
    city: 'Santiago',
  },
  {
    email: 'camila.soto@example.com',
    firstName: 'Camila',
    lastName: 'Soto',
    phone: '+56 9 6123 4505',
    city: 'La Serena',
  },
  {
    email: 'luis.contreras@example.com',
    firstName: 'Luis',
    lastName: 'Contreras',
    phone: '+56 9 6123 4506',
    city: 'Temuco',
  },
  {
    email: 'valentina.silva@example.com',
    firstName: 'Valentina',
    lastName: 'Silva',
    phone: '+56 9 6123 4507',
    city: 'Antofagasta',
  },
  {
    email: 'diego.morales@example.com',
    firstName: 'Diego',
    lastName: 'Morales',
    phone: '+56 9 6123 4508',
    city: 'Santiago',
  },
];

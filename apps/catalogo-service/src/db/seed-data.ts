export interface SeedCategory {
  slug: string;
  name: string;
}

export interface SeedProduct {
  sku: string;
  name: string;
  description: string;
  category: string;
  price: number;
  stock: number;
}

export const SEED_CATEGORIES: SeedCategory[] = [
  { slug: 'bebidas', name: 'Bebidas' },
  { slug: 'abarrotes', name: 'Abarrotes' },
  { slug: 'lacteos', name: 'Lácteos' },
  { slug: 'limpieza', name: 'Limpieza' },
  { slug: 'panaderia', name: 'Panadería' },
];

export const SEED_PRODUCTS: SeedProduct[] = [
  {
    sku: 'BEB-001',
    name: 'Agua mineral 1,5 L',
    description: 'Agua mineral sin gas',
    category: 'bebidas',
    price: 0.89,
    stock: 240,
  },
  {
    sku: 'BEB-002',
    name: 'Jugo de naranja 1 L',
    description: 'Jugo natural exprimido',
    category: 'bebidas',
    price: 2.49,
    stock: 80,
  },
  {
    sku: 'BEB-003',
    name: 'Café molido 250 g',
    description: 'Tueste medio, 100 % arábica',
    category: 'bebidas',
    price: 4.95,
    stock: 60,
  },
  {
    sku: 'ABA-001',
    name: 'Arroz grado 1, 1 kg',
    description: 'Arroz largo fino',
    category: 'abarrotes',
    price: 1.59,
    stock: 150,
  },
  {
    sku: 'ABA-002',
    name: 'Aceite de oliva 500 ml',
    description: 'Extra virgen',
    category: 'abarrotes',
    price: 6.9,
    stock: 45,
  },
  {
    sku: 'ABA-003',
    name: 'Fideos spaghetti 400 g',
    description: 'Sémola de trigo duro',
    category: 'abarrotes',
    price: 0.99,
    stock: 200,
  },
  {
    sku: 'ABA-004',
    name: 'Lentejas 1 kg',
    description: 'Lentejas castellanas',
    category: 'abarrotes',
    price: 2.2,
    stock: 90,
  },
  {
    sku: 'LAC-001',
    name: 'Leche entera 1 L',
    description: 'Larga vida',
    category: 'lacteos',
    price: 1.05,
    stock: 300,
  },
  {
    sku: 'LAC-002',
    name: 'Yogur natural x4',
    description: 'Sin azúcar añadida',
    category: 'lacteos',
    price: 1.8,
    stock: 70,
  },
  {
    sku: 'LAC-003',
    name: 'Queso gouda 250 g',
    description: 'Laminado',
    category: 'lacteos',
    price: 3.75,
    stock: 40,
  },
  {
    sku: 'LIM-001',
    name: 'Detergente líquido 3 L',
    description: 'Para ropa blanca y de color',
    category: 'limpieza',
    price: 8.49,
    stock: 35,
  },
  {
    sku: 'LIM-002',
    name: 'Lavalozas 750 ml',
    description: 'Aroma limón',
    category: 'limpieza',
    price: 1.99,
    stock: 110,
  },
  {
    sku: 'PAN-001',
    name: 'Pan de molde integral',
    description: '14 rebanadas',
    category: 'panaderia',
    price: 2.35,
    stock: 50,
  },
  {
    sku: 'PAN-002',
    name: 'Croissant x6',
    description: 'Mantequilla',
    category: 'panaderia',
    price: 3.1,
    stock: 0,
  },
];

export const productSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    sku: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    price: { type: 'number' },
    stock: { type: 'integer' },
    category: {
      type: 'object',
      properties: { id: { type: 'integer' }, slug: { type: 'string' }, name: { type: 'string' } },
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

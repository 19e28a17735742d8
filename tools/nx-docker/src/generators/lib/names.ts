/** kebab-case: lowercase words of letters and digits joined by single hyphens, starting with a letter. */
export const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `catalogo-service` → `CATALOGO_SERVICE`: the prefix of its environment variables. */
export function constantCase(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/** `catalogo-service` → `catalogoService`. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `catalogo-service` → `CatalogoService`. */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** `pagos-service` → `pagos`, `bff-venta` → `venta`: the resource a service is named after. */
export function resourceName(serviceName: string): string {
  const words = serviceName.split('-').filter((word) => !['service', 'svc', 'api', 'bff'].includes(word));
  return words.length > 0 ? words.join('-') : serviceName;
}

export interface ServiceGeneratorSchema {
  /** kebab-case project and folder name. */
  name: string;
  /** Container port, default 8000. */
  port?: number;
  /** Owns a PostgreSQL database. */
  database?: boolean;
  /** Name of an existing service this one calls; '' or undefined for none. */
  upstream?: string;
  /** Parent folder, default `apps`. */
  directory?: string;
  /** Comma-separated extra project tags. */
  tags?: string;
  skipFormat?: boolean;
}

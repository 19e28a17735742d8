export interface ConfigurationGeneratorSchema {
  project: string;
  port?: number;
  healthPath?: string;
  /** Default: the project has src/populate-db.ts. */
  database?: boolean;
  /** An existing service with a docker-build target; '' or undefined for none. */
  upstream?: string;
  skipFormat?: boolean;
}

/** What a registry says about one tag of a repository, read before a push. */
export type RemoteTag =
  | { tag: string; state: 'absent' }
  | {
      tag: string;
      state: 'present';
      /** The manifest digest the registry stores for the tag (`sha256:…`). */
      manifestDigest: string;
      /**
       * The config digest of the image manifest for our platform, which equals the local image id
       * (`docker image inspect .Id`): the content identity that survives re-compression. null when
       * the tag holds no manifest for our platform.
       */
      configDigest: string | null;
      /**
       * What the manifest lists: `[]` for a single image manifest; for an index, every entry's platform
       * (`unknown/unknown` for attestation entries).
       */
      indexPlatforms: string[];
    };

/** The read side of a registry, one per kind (ECR API or OCI distribution HTTP API). */
export interface RemoteRegistry {
  readonly kind: 'ecr' | 'oci';
  /** State of each tag; never throws for a missing tag or a missing repository (→ absent). */
  describeTags(repository: string, tags: string[]): Promise<RemoteTag[]>;
  /** The manifest digest the registry stores for a tag, or null when it has none. */
  readDigest(repository: string, tag: string): Promise<string | null>;
}

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Reads the credentials where they live now (an env var, the docker config or its credential helper). */
export type CredentialsSource = () => Promise<RegistryCredentials | null>;

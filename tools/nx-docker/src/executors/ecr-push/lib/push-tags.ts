import { renderTags, tagOf, TagValues } from '../../../lib/tags/tags';

/** The OCI label docker-build sets to the commit it built (lib/tags values.gitSha at build time). */
export const REVISION_LABEL = 'org.opencontainers.image.revision';

export interface PushTagInput {
  /** The ecr-push `tags` option, or null to push the tags of image.json. */
  templates: string[] | null;
  manifestTags: string[];
  /** Values at push time: `gitSha` is HEAD now. */
  values: TagValues;
  /** The commit the image was built at (its revision label), when known. */
  builtRevision: string | null;
  repositoryUri: string;
}

/**
 * Pure: the tag names to push, all naming the commit being shipped (HEAD), not the one a cached docker-build
 * ran at. With templates they are rendered now by the shared `renderTags`. Without, image.json's tags are
 * pushed, which docker-build rendered from the same templates at build time; a tag holding the build commit's
 * sha (a `{gitSha}` or `{gitShortSha}` rendered at another commit, kept by a cache hit) is re-rendered for HEAD.
 */
export function pushTagNames(input: PushTagInput): string[] {
  if (input.templates) {
    return renderTags(input.templates, input.values, input.repositoryUri).map(tagOf);
  }
  const tags = [...new Set(input.manifestTags.map(tagOf))];
  return [...new Set(retargetGitTags(tags, input.builtRevision, input.values.gitSha))];
}

/** Pure: `sha-<A7>` → `sha-<B7>` (and the full sha likewise) when the image was built at A and HEAD is B. */
export function retargetGitTags(tags: string[], builtRevision: string | null, head: string | null): string[] {
  if (!isCommit(builtRevision) || !isCommit(head) || builtRevision === head) return tags;
  return tags.map((tag) =>
    tag.split(builtRevision).join(head).split(builtRevision.slice(0, 7)).join(head.slice(0, 7)),
  );
}

/**
 * Pure: the one line that says the image was built at another commit than the one being shipped, or null.
 * Nx restored docker-build from its cache because no input of the image changed: the image is the same.
 */
export function revisionNote(builtRevision: string | null, head: string | null): string | null {
  if (!isCommit(builtRevision) || !isCommit(head) || builtRevision === head) return null;
  return `note: the image was built at commit ${builtRevision.slice(0, 7)} and HEAD is ${head.slice(0, 7)}: its inputs did not change since (an Nx cache hit), so this same image ships, and git tags name ${head.slice(0, 7)}.`;
}

/** A full commit id (SHA-1 or SHA-256), not a label someone set to a branch name. */
function isCommit(value: string | null): value is string {
  return value !== null && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(value);
}

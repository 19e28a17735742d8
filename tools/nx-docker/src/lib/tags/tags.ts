import { NxDockerError } from '../errors';

/**
 * Tag templates shared by docker-build and ecr-push. Pure: the caller gathers the values.
 * Placeholders: {projectName} {version} {gitSha} {gitShortSha}. A template without a ':' is a tag
 * of the project's repository (`latest` → `<projectName>:latest`); with one it is a full reference.
 */
export interface TagValues {
  projectName: string;
  version: string | null;
  gitSha: string | null;
}

const PLACEHOLDER = /\{(\w+)\}/g;
// Docker's grammar: a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a repository path is lowercase components.
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY =
  /^(?:[a-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function renderTemplate(template: string, values: TagValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = placeholderValue(name, values);
    if (value === undefined) {
      throw new NxDockerError(
        `Unknown placeholder ${whole} in tag template '${template}' of ${values.projectName}.`,
        {
          hint: 'Use {projectName}, {version}, {gitSha} or {gitShortSha}.',
        },
      );
    }
    if (value === null) {
      throw new NxDockerError(
        `Tag template '${template}' of ${values.projectName} needs ${whole}, which has no value.`,
        {
          hint:
            name === 'version'
              ? `Add a "version" to the project's package.json or set the "version" option.`
              : 'Run inside a git repository with at least one commit, or drop the git placeholder.',
        },
      );
    }
    return value;
  });
}

/** Turns templates into full image references, checked against Docker's grammar before Docker runs. */
export function renderTags(
  templates: string[],
  values: TagValues,
  repository = values.projectName,
): string[] {
  const refs = templates.map((template) => {
    const rendered = renderTemplate(template, values);
    // A tag never holds ':' or '/': either one makes the template a full reference, which must end in a tag.
    return /[:/]/.test(rendered) ? rendered : `${repository}:${rendered}`;
  });
  for (const ref of refs) {
    const problem = validateReference(ref);
    if (problem) {
      throw new NxDockerError(`Invalid image tag '${ref}' for ${values.projectName}: ${problem}.`, {
        hint: 'A tag may hold letters, digits, _ . and - (at most 128, not starting with . or -); a repository is lowercase.',
      });
    }
  }
  return [...new Set(refs)];
}

/** null when valid, else the reason. */
export function validateReference(ref: string): string | null {
  const at = ref.lastIndexOf(':');
  const slash = ref.lastIndexOf('/');
  if (at === -1 || at < slash) return 'it has no tag after ":"';
  const repository = ref.slice(0, at);
  const tag = ref.slice(at + 1);
  if (!REPOSITORY.test(repository))
    return `repository '${repository}' must be lowercase letters, digits and separators`;
  if (!TAG.test(tag)) return `tag '${tag}' has characters Docker refuses or is longer than 128`;
  return null;
}

/** The tag part of a full reference: `reg:5000/a/b:1.0` → `1.0`. */
export function tagOf(ref: string): string {
  return ref.slice(ref.lastIndexOf(':') + 1);
}

function placeholderValue(name: string, values: TagValues): string | null | undefined {
  switch (name) {
    case 'projectName':
      return values.projectName;
    case 'version':
      return values.version;
    case 'gitSha':
      return values.gitSha;
    case 'gitShortSha':
      return values.gitSha ? values.gitSha.slice(0, 7) : null;
    default:
      return undefined;
  }
}

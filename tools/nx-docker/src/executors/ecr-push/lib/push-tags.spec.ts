import { pushTagNames, retargetGitTags, revisionNote } from './push-tags';

const A = 'a'.repeat(8) + '1'.repeat(32);
const B = 'b'.repeat(8) + '2'.repeat(32);
const values = { projectName: 'orders', version: '1.0.0', gitSha: B };

describe('pushTagNames', () => {
  it('templates are rendered now, with HEAD', () => {
    expect(
      pushTagNames({
        templates: ['{version}', 'sha-{gitShortSha}', '{gitSha}'],
        manifestTags: ['orders:1.0.0'],
        values,
        builtRevision: A,
        repositoryUri: '127.0.0.1:55000/orders',
      }),
    ).toEqual(['1.0.0', `sha-${B.slice(0, 7)}`, B]);
  });

  it("without templates, image.json's tags; a git tag of the build commit names HEAD instead", () => {
    expect(
      pushTagNames({
        templates: null,
        manifestTags: [
          'orders:1.0.0',
          `orders:sha-${A.slice(0, 7)}`,
          `orders:${A}`,
          'orders:latest',
          'orders:latest',
        ],
        values,
        builtRevision: A,
        repositoryUri: 'orders',
      }),
    ).toEqual(['1.0.0', `sha-${B.slice(0, 7)}`, B, 'latest']);
  });
});

describe('retargetGitTags', () => {
  it.each<[string, string | null, string | null, string[]]>([
    ['built at HEAD: unchanged', B, B, [`sha-${A.slice(0, 7)}`]],
    ['revision unknown: unchanged', null, B, [`sha-${A.slice(0, 7)}`]],
    ['no git HEAD: unchanged', A, null, [`sha-${A.slice(0, 7)}`]],
    ['a label that is no commit: unchanged', 'main', B, [`sha-${A.slice(0, 7)}`]],
    ['built at another commit: renamed', A, B, [`sha-${B.slice(0, 7)}`]],
  ])('%s', (_name, built, head, expected) => {
    expect(retargetGitTags([`sha-${A.slice(0, 7)}`], built, head)).toEqual(expected);
  });
});

describe('revisionNote', () => {
  it('one line when the image was built at another commit', () => {
    expect(revisionNote(A, B)).toBe(
      `note: the image was built at commit ${A.slice(0, 7)} and HEAD is ${B.slice(0, 7)}: its inputs did not change since (an Nx cache hit), so this same image ships, and git tags name ${B.slice(0, 7)}.`,
    );
  });

  it.each([
    [B, B],
    [null, B],
    [A, null],
  ])('nothing to say for %s at %s', (built, head) => {
    expect(revisionNote(built, head)).toBeNull();
  });
});

import { renderTags, renderTemplate, tagOf, validateReference } from './tags';

const values = {
  projectName: 'orders',
  version: '1.2.3',
  gitSha: 'abcdef0123456789abcdef0123456789abcdef01',
};

describe('renderTemplate', () => {
  it.each([
    ['latest', 'latest'],
    ['v{version}', 'v1.2.3'],
    ['{projectName}-{gitShortSha}', 'orders-abcdef0'],
    ['{gitSha}', values.gitSha],
  ])('%s → %s', (template, rendered) => {
    expect(renderTemplate(template, values)).toBe(rendered);
  });

  it.each([
    ['{nope}', /Unknown placeholder \{nope\}/],
    ['{version}', /needs \{version\}, which has no value/],
  ])('%s fails', (template, message) => {
    expect(() => renderTemplate(template, { ...values, version: null })).toThrow(message);
  });
});

describe('renderTags', () => {
  it.each([
    [
      ['latest', 'v{version}'],
      ['orders:latest', 'orders:v1.2.3'],
    ],
    [['localhost:5000/orders:{gitShortSha}'], ['localhost:5000/orders:abcdef0']],
    [
      ['123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:{version}'],
      ['123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.2.3'],
    ],
  ])('%j → %j', (templates, refs) => {
    expect(renderTags(templates, values)).toEqual(refs);
  });

  it.each([
    [
      'localhost:5000/orders',
      /Invalid image tag 'localhost:5000\/orders' for orders: it has no tag after ":"/,
    ],
    ['team/orders', /Invalid image tag 'team\/orders'/],
  ])('refuses the full reference %s without a tag', (template, message) => {
    expect(() => renderTags([template], values)).toThrow(message);
  });

  it('uses the repository given for plain tags', () => {
    expect(renderTags(['latest'], values, 'ventas/orders')).toEqual(['ventas/orders:latest']);
  });
});

describe('validateReference', () => {
  it.each([
    ['orders:latest', null],
    ['orders', 'it has no tag after ":"'],
    ['host:5000/orders', 'it has no tag after ":"'],
    ['Orders:latest', "repository 'Orders' must be lowercase letters, digits and separators"],
    ['orders:.hidden', "tag '.hidden' has characters Docker refuses or is longer than 128"],
    [
      `orders:${'x'.repeat(129)}`,
      `tag '${'x'.repeat(129)}' has characters Docker refuses or is longer than 128`,
    ],
  ])('%s → %s', (ref, problem) => {
    expect(validateReference(ref)).toBe(problem);
  });
});

it('tagOf reads the tag after the last colon', () => {
  expect(tagOf('reg:5000/a/b:1.0')).toBe('1.0');
});

import { baseImages, finalStage, parseDockerfile, stageChain } from './parse-dockerfile';

const multiStage = [
  'ARG NODE_IMAGE=node:24-bookworm-slim',
  'FROM ${NODE_IMAGE} AS base',
  'WORKDIR /app',
  'ENV NODE_ENV=production PORT=8000',
  'FROM base AS runtime',
  'COPY --chown=node --chmod=755 dist/apps/orders/ ./',
  'COPY --from=base /etc/passwd /etc/passwd',
  'RUN chmod +x /app/entrypoint.sh',
  'EXPOSE 8000/tcp 9229',
  'HEALTHCHECK --interval=10s CMD ["node", "health.js"]',
  'ENTRYPOINT ["./entrypoint.sh"]',
  'CMD node main.js',
].join('\n');

describe('parseDockerfile', () => {
  const model = parseDockerfile(multiStage);

  it('reads stages with ARG defaults expanded and 1-based lines', () => {
    expect(model.globalArgs).toEqual([{ name: 'NODE_IMAGE', value: 'node:24-bookworm-slim', line: 1 }]);
    expect(model.stages.map((s) => [s.name, s.from, s.line])).toEqual([
      ['base', 'node:24-bookworm-slim', 2],
      ['runtime', 'base', 5],
    ]);
  });

  it('keeps COPY flags, the WORKDIR in effect, and ENV properties', () => {
    const runtime = model.stages[1];
    expect(runtime.copies[0]).toEqual({
      keyword: 'COPY',
      sources: ['dist/apps/orders/'],
      destination: './',
      from: null,
      chmod: '755',
      workdir: '/app',
      line: 6,
    });
    expect(runtime.copies[1].from).toBe('base');
    expect(model.stages[0].envs.map((e) => [e.name, e.value])).toEqual([
      ['NODE_ENV', 'production'],
      ['PORT', '8000'],
    ]);
  });

  it('reads EXPOSE ports, HEALTHCHECK, ENTRYPOINT (exec form) and CMD (shell form)', () => {
    const runtime = model.stages[1];
    expect(runtime.exposes).toEqual([
      { port: 8000, raw: '8000/tcp', line: 9 },
      { port: 9229, raw: '9229', line: 9 },
    ]);
    expect(runtime.healthchecks).toEqual([{ none: false, line: 10 }]);
    expect(runtime.entrypoint).toEqual({
      argv: ['./entrypoint.sh'],
      execForm: true,
      workdir: '/app',
      line: 11,
    });
    expect(runtime.cmd).toEqual({ argv: ['node', 'main.js'], execForm: false, workdir: '/app', line: 12 });
  });

  it('follows FROM <stage> for the final image and its base image', () => {
    const last = finalStage(model);
    expect(last?.name).toBe('runtime');
    expect(last && stageChain(model, last).map((s) => s.name)).toEqual(['runtime', 'base']);
    expect(baseImages(model)).toEqual([{ ref: 'node:24-bookworm-slim', line: 2 }]);
    expect(finalStage(model, 'base')?.line).toBe(2);
    expect(finalStage(model, 'missing')).toBeNull();
  });

  it.each([
    ['HEALTHCHECK NONE', true],
    ['HEALTHCHECK --timeout=3s CMD true', false],
  ])('%s → none=%s', (line, none) => {
    expect(parseDockerfile(`FROM scratch\n${line}`).stages[0].healthchecks[0].none).toBe(none);
  });

  it('skips scratch and stages in baseImages, and reads FROM --platform', () => {
    const parsed = parseDockerfile(
      'FROM --platform=linux/arm64 golang:1 AS b\nFROM scratch\nCOPY --from=b /x /x',
    );
    expect(parsed.stages[0].fromPlatform).toBe('linux/arm64');
    expect(baseImages(parsed)).toEqual([{ ref: 'golang:1', line: 1 }]);
  });
});

describe('baseImages: what the base-image runtime input must name', () => {
  it.each<[string, string[]]>([
    ['FROM --platform=linux/arm64 golang:1 AS b\nFROM scratch\nCOPY --from=b /x /x', ['golang:1']],
    [
      '# comment\nARG V=24\nARG IMG="node:${V}-bookworm-slim"\nFROM ${IMG} AS a\nFROM a\nFROM \\\n  postgres:15-bookworm',
      ['node:24-bookworm-slim', 'postgres:15-bookworm'],
    ],
    ['FROM node:24 AS build\nFROM node:24\nFROM build', ['node:24']],
  ])('%s', (text, refs) => {
    expect(baseImages(parseDockerfile(text)).map((b) => b.ref)).toEqual(refs);
  });
});

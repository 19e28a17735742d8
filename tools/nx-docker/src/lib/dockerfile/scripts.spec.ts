import { parseDockerfile } from './parse-dockerfile';
import { chmodGrantsExec, findStartScripts, runChmods } from './scripts';

const scripts = (lines: string[]) => findStartScripts(parseDockerfile(lines.join('\n')));

describe('findStartScripts', () => {
  it.each<
    [string, string[], { imagePath: string; candidates: string[]; chmod: boolean; line: number } | null]
  >([
    [
      'file copied into WORKDIR, exec-form relative ENTRYPOINT',
      ['FROM node:24', 'WORKDIR /app', 'COPY entrypoint.sh ./', 'ENTRYPOINT ["./entrypoint.sh"]'],
      {
        imagePath: '/app/entrypoint.sh',
        candidates: ['entrypoint.sh', 'entrypoint.sh/entrypoint.sh'],
        chmod: false,
        line: 4,
      },
    ],
    [
      'renamed file, absolute path',
      ['FROM node:24', 'COPY docker/start.sh /usr/local/bin/start', 'CMD ["/usr/local/bin/start"]'],
      { imagePath: '/usr/local/bin/start', candidates: ['docker/start.sh'], chmod: false, line: 3 },
    ],
    [
      'bare name found through PATH',
      ['FROM node:24', 'COPY start /usr/local/bin/', 'CMD start --now'],
      { imagePath: '/usr/local/bin/start', candidates: ['start', 'start/start'], chmod: false, line: 3 },
    ],
    [
      'directory copy',
      ['FROM node:24', 'COPY . /app', 'ENTRYPOINT ["/app/bin/run.sh"]'],
      { imagePath: '/app/bin/run.sh', candidates: ['bin/run.sh'], chmod: false, line: 3 },
    ],
    [
      'glob copy',
      ['FROM node:24', 'COPY scripts/*.sh /app/', 'ENTRYPOINT ["/app/entry.sh"]'],
      { imagePath: '/app/entry.sh', candidates: ['scripts/entry.sh'], chmod: false, line: 3 },
    ],
    [
      'COPY --chmod=755',
      ['FROM node:24', 'COPY --chmod=755 entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]'],
      { imagePath: '/entrypoint.sh', candidates: ['entrypoint.sh'], chmod: true, line: 3 },
    ],
    [
      'RUN chmod +x after the COPY (the usual fix)',
      [
        'FROM node:24',
        'COPY entrypoint.sh /app/entrypoint.sh',
        'RUN chmod +x /app/entrypoint.sh',
        'ENTRYPOINT ["/app/entrypoint.sh"]',
      ],
      { imagePath: '/app/entrypoint.sh', candidates: ['entrypoint.sh'], chmod: true, line: 4 },
    ],
    [
      'exec in shell form',
      ['FROM node:24', 'COPY run.sh /run.sh', 'CMD exec /run.sh'],
      { imagePath: '/run.sh', candidates: ['run.sh'], chmod: false, line: 3 },
    ],
    [
      'interpreter runs the script: no exec bit needed',
      ['FROM node:24', 'COPY e.sh /e.sh', 'ENTRYPOINT ["sh", "/e.sh"]'],
      null,
    ],
    ['node main.js', ['FROM node:24', 'COPY main.js /app/', 'CMD ["node", "/app/main.js"]'], null],
    [
      'script from another stage',
      ['FROM node:24 AS b', 'FROM scratch', 'COPY --from=b /e.sh /e.sh', 'CMD ["/e.sh"]'],
      null,
    ],
    ['no ENTRYPOINT or CMD', ['FROM node:24', 'COPY e.sh /e.sh'], null],
  ])('%s', (_name, lines, expected) => {
    const found = scripts(lines);
    if (expected === null) {
      expect(found).toEqual([]);
      return;
    }
    expect(found).toHaveLength(1);
    expect({
      imagePath: found[0].imagePath,
      candidates: found[0].candidates.map((c) => c.path),
      chmod: found[0].candidates[0].chmodInDockerfile,
      line: found[0].line,
    }).toEqual(expected);
  });

  it('ENTRYPOINT wins over CMD, and is inherited from a parent stage', () => {
    const found = scripts([
      'FROM node:24 AS base',
      'COPY e.sh /e.sh',
      'ENTRYPOINT ["/e.sh"]',
      'FROM base',
      'CMD ["/other"]',
    ]);
    expect(found.map((s) => [s.instruction, s.imagePath, s.line])).toEqual([['ENTRYPOINT', '/e.sh', 3]]);
  });
});

describe('chmodGrantsExec', () => {
  it.each([
    ['755', true],
    ['0755', true],
    ['644', false],
    ['0644', false],
    ['640', false],
    ['u+x', true],
    ['+x', true],
    ['a+rx', true],
    ['go-w', false],
    [null, false],
  ])('%s → %s', (mode, expected) => {
    expect(chmodGrantsExec(mode)).toBe(expected);
  });
});

describe('runChmods', () => {
  it.each([
    ['chmod +x /app/entrypoint.sh', true],
    ['chmod 755 entrypoint.sh', true],
    ['apt-get update && chmod -R +x /app', true],
    ['chmod -R 755 /app/', true],
    ['chmod 644 /app/entrypoint.sh', false],
    ['chmod +x /app/other.sh', false],
    ['echo chmod', false],
  ])('%s → %s', (run, expected) => {
    expect(runChmods(run, '/app/entrypoint.sh')).toBe(expected);
  });
});

import { DockerError, runDocker } from './docker';

// Real child processes: process.execPath stands in for the docker binary, so no daemon is needed.
const node = process.execPath;

describe('runDocker', () => {
  it('captures stdout and reports the command', async () => {
    const result = await runDocker(['-e', 'console.log("hello")'], { binary: node });
    expect(result.stdout).toBe('hello');
    expect(result.exitCode).toBe(0);
    expect(result.command).toContain(`-e 'console.log("hello")'`);
  });

  it('throws a DockerError with the exit code and the last stderr lines', async () => {
    const failing = runDocker(['-e', 'console.error("boom"); process.exit(3)'], { binary: node });
    await expect(failing).rejects.toBeInstanceOf(DockerError);
    await expect(failing).rejects.toThrow(/exit code 3[\s\S]*boom/);
  });

  it('returns the failure as data with reject: false', async () => {
    const result = await runDocker(['-e', 'process.exit(2)'], { binary: node, reject: false });
    expect(result.failed).toBe(true);
    expect(result.exitCode).toBe(2);
  });

  it('passes input on stdin, never in argv', async () => {
    const result = await runDocker(['-e', 'process.stdin.pipe(process.stdout)'], {
      binary: node,
      input: 's3cret',
    });
    expect(result.stdout).toBe('s3cret');
    expect(result.command).not.toContain('s3cret');
  });

  it('streams lines with the prefix', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      await runDocker(['-e', 'console.log("a\\nb")'], { binary: node, streamPrefix: '[svc]' });
    } finally {
      spy.mockRestore();
    }
    expect(writes).toEqual(['[svc] a\n', '[svc] b\n']);
  });

  it('names the missing binary and how to get one', async () => {
    await expect(runDocker(['version'], { binary: '/nonexistent/docker' })).rejects.toThrow(
      /not found[\s\S]*NX_DOCKER_BINARY/,
    );
  });
});

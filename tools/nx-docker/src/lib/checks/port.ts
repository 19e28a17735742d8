import { Check, error, ok } from './types';

/** The configured port must be EXPOSEd: ECS and people read the port from the image. */
export const checkExposedPort: Check = (facts, expected) => {
  const wanted = `${expected.port}/tcp`;
  if (facts.exposedPorts.includes(wanted)) return [ok('port', `port ${wanted} exposed`)];
  const exposed = facts.exposedPorts.length
    ? `it exposes ${facts.exposedPorts.join(', ')}`
    : 'it exposes none';
  return [
    error(
      'port',
      `Port ${wanted} is not exposed (${exposed}).`,
      `Add 'EXPOSE ${expected.port}' to the Dockerfile, or set the smoke-test "port" option to the port the app listens on.`,
    ),
  ];
};

import { Check, error, ok } from './types';

/** Something must start the service: an ENTRYPOINT or a CMD. */
export const checkEntrypoint: Check = (facts) => {
  if (facts.entrypoint.length || facts.cmd.length) {
    const command = [...facts.entrypoint, ...facts.cmd].join(' ');
    return [ok('entrypoint', `starts with ${command}`)];
  }
  return [
    error(
      'entrypoint',
      'The image has neither an ENTRYPOINT nor a CMD: the container has nothing to run.',
      'Add CMD ["node", "main.js"] (or an ENTRYPOINT script) to the Dockerfile.',
    ),
  ];
};

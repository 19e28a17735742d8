import { Check, error, ok } from './types';

/** A HEALTHCHECK must be configured: it is what Docker (and the smoke test) wait on. */
export const checkHealthcheck: Check = (facts) => {
  if (facts.healthcheck) {
    const [kind, ...rest] = facts.healthcheck.test;
    const command = kind === 'CMD' ? JSON.stringify(rest) : rest.join(' ');
    return [ok('healthcheck', `healthcheck ${command}`)];
  }
  return [
    error(
      'healthcheck',
      'No healthcheck is configured in the image.',
      `Add a HEALTHCHECK to the Dockerfile, e.g. HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["node", "healthcheck.js"], probing the health path on the service port.`,
    ),
  ];
};

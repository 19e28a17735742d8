import { Check, error, ok } from './types';

/** `USER` unset, `root`, `0`, `0:0`, `root:…` all run as root; the group alone does not matter. */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === '' || name === 'root' || name === '0';
}

export const checkUser: Check = (facts) => {
  if (!isRootUser(facts.user)) return [ok('user', `runs as user ${facts.user}`)];
  const shown = facts.user.trim() ? `as '${facts.user.trim()}'` : 'as root (no USER set)';
  return [
    error(
      'user',
      `The image runs ${shown}.`,
      `Add a non-root USER to the Dockerfile (node images ship 'node', uid 1000): USER node`,
    ),
  ];
};

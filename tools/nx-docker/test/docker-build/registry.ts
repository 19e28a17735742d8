/** The test registry (tmp/services/registry.env): removing what a test pushed to it. */

/** Deletes manifests by `host/repository@sha256:…` refs from the test registry; one already gone is fine. */
export async function deleteRegistryManifests(refs: string[]): Promise<void> {
  const user = process.env['REGISTRY_USER'];
  const password = process.env['REGISTRY_PASSWORD'];
  if (!user || !password) return;
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  for (const ref of new Set(refs)) {
    const [name, digest] = ref.split('@');
    const host = name.slice(0, name.indexOf('/'));
    const repository = name.slice(name.indexOf('/') + 1);
    await fetch(`http://${host}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      headers: { Authorization: authorization },
    }).catch(() => null);
  }
}

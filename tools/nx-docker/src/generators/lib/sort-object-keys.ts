/** A copy of `record` with its keys in alphabetical order: project.json targets read (and diff) the same every time. */
export function sortObjectKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

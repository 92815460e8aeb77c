/**
 * Map.set that drops the oldest entries beyond `max`, so a long benchmark cannot grow the
 * simulator's session and token tables without limit. Maps iterate in insertion order.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}

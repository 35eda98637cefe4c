// The API token cache: a bounded LRU of the tokens the store knows (valid,
// revoked or expired alike: each is a row someone created), and a separate,
// small LRU of secrets the store does not know. Unknown secrets cost anyone
// nothing to make up, so they never displace a known token: a spray of random
// tokens turns over only the negative cache, and valid tokens stay cached.

export class Lru<V> {
  private entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  *values(): IterableIterator<[string, V]> {
    yield* this.entries.entries();
  }
}

export interface CachedLookup<T> {
  /** The store's answer: the record, or null for a secret it does not know. */
  value: T | null;
  until: number;
}

export class TokenCache<T> {
  readonly known: Lru<{ value: T; until: number }>;
  readonly unknown: Lru<number>;

  constructor(
    private ttlMs: number,
    knownCapacity = 10_000,
    unknownCapacity = 1_000,
    private now: () => number = Date.now,
  ) {
    this.known = new Lru(knownCapacity);
    this.unknown = new Lru(unknownCapacity);
  }

  /** The cached answer for a secret's hash, or undefined when it must be looked up. */
  get(hash: string): CachedLookup<T> | undefined {
    const now = this.now();
    const hit = this.known.get(hash);
    if (hit && hit.until > now) return hit;
    const miss = this.unknown.get(hash);
    if (miss !== undefined && miss > now) return { value: null, until: miss };
    return undefined;
  }

  set(hash: string, value: T | null): void {
    const until = this.now() + this.ttlMs;
    if (value === null) {
      this.known.delete(hash);
      this.unknown.set(hash, until);
    } else {
      this.unknown.delete(hash);
      this.known.set(hash, { value, until });
    }
  }

  /** Drops every cached entry whose record matches (a revoked token, on this instance at once). */
  forget(matches: (value: T) => boolean): void {
    for (const [hash, entry] of [...this.known.values()]) if (matches(entry.value)) this.known.delete(hash);
  }
}

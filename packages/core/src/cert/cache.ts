/**
 * A small LRU map: a JavaScript Map keeps insertion order, so re-inserting on every hit makes the
 * first key the least recently used one.
 */
export class LruCache<V> {
  readonly #map = new Map<string, V>();
  #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Number of entries. */
  get size(): number {
    return this.#map.size;
  }

  /** Maximum number of entries. */
  get max(): number {
    return this.#max;
  }

  /** Changes the maximum, evicting the least recently used entries beyond it. */
  resize(max: number): void {
    this.#max = max;
    this.#evict();
  }

  /** The value for `key` (marking it most recently used), or undefined. */
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Stores `value` as the most recently used entry. */
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#evict();
  }

  /** Removes every entry. */
  clear(): void {
    this.#map.clear();
  }

  #evict(): void {
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done === true) return;
      this.#map.delete(oldest.value);
    }
  }
}

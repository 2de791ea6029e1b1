import { describe, expect, it } from 'vitest';
import { LruCache } from './cache';

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const c = new LruCache<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.size, c.max]).toEqual([1, 3, 2, 2]);
    c.set('a', 10);
    expect(c.get('a')).toBe(10);
    c.resize(1);
    expect(c.size).toBe(1);
    expect(c.get('a')).toBe(10);
    c.resize(0);
    c.set('z', 1);
    expect(c.size).toBe(0);
    c.resize(5);
    c.set('y', 1);
    c.clear();
    expect(c.size).toBe(0);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const c = new LruCache<number>(1000);
    for (let i = 0; i < 50_000; i++) c.set(String(i), i);
    expect(c.size).toBe(1000);
    expect(c.get('49999')).toBe(49999);
    expect(c.get('48999')).toBeUndefined();
  });
});

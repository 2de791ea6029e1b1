/** Small helpers shared by the property tests. Not exported from the package. */
export { alg, cat, must, type Bytes } from './der';

export function equalBytesForTest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

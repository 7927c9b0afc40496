/**
 * Where qle keeps what it can recompute or re-fetch (CIFAR-10, training runs, finished simulation
 * cells): `.cache/` under the current folder, or the folder named by QLE_CACHE_DIR.
 */
import { join, resolve } from 'node:path';

/** The cache folder for one kind of thing, e.g. cacheDir('cifar10'). */
export function cacheDir(name: string): string {
  const root = process.env.QLE_CACHE_DIR;
  return join(root ? resolve(root) : resolve('.cache'), name);
}

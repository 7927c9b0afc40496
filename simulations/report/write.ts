/**
 * The simulations' atomic writer is the shared one (src/io). This re-export keeps the import in
 * cache.ts, one of the sources hashed into the cells' code version, unchanged: moving the writer
 * must not invalidate every cached cell and the code version printed in the committed reports.
 */
export { writeFileAtomic } from '../../src/io/atomic-write.ts';

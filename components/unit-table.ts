/**
 * An immutable table by unit id for the pages' whole-list cache keys (#14):
 * the entries live in fixed buckets by a hash of the id, so a patch that
 * changes a few units copies only their buckets and the bucket array, not
 * all 1,000 entries (copying the whole map per patch was the popup's
 * heaviest own function under a stream of readings). Unchanged entries keep
 * their references, so a row given `table.get(id)` keeps its props.
 */

const BUCKETS = 256;

function bucketOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i += 1) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return (h >>> 0) % BUCKETS;
}

const EMPTY_BUCKET: ReadonlyMap<string, never> = new Map<string, never>();

export class UnitTable<T> {
  private constructor(
    private readonly buckets: readonly ReadonlyMap<string, T>[],
    /** How many units it holds. */
    readonly size: number,
  ) {}

  static empty<T>(): UnitTable<T> {
    return new UnitTable<T>(new Array<ReadonlyMap<string, T>>(BUCKETS).fill(EMPTY_BUCKET), 0);
  }

  static from<T>(entries: Iterable<readonly [string, T]>): UnitTable<T> {
    const buckets = Array.from({ length: BUCKETS }, () => new Map<string, T>());
    for (const [id, value] of entries) (buckets[bucketOf(id)] as Map<string, T>).set(id, value);
    return new UnitTable<T>(
      buckets,
      buckets.reduce((n, b) => n + b.size, 0),
    );
  }

  get(id: string): T | undefined {
    return (this.buckets[bucketOf(id)] as ReadonlyMap<string, T>).get(id);
  }

  has(id: string): boolean {
    return (this.buckets[bucketOf(id)] as ReadonlyMap<string, T>).has(id);
  }

  /** A new table with `changes` set; this one is left as it was. */
  with(changes: Iterable<readonly [string, T]>): UnitTable<T> {
    const buckets = [...this.buckets];
    const copied = new Set<number>();
    let size = this.size;
    for (const [id, value] of changes) {
      const b = bucketOf(id);
      if (!copied.has(b)) {
        buckets[b] = new Map(buckets[b]);
        copied.add(b);
      }
      const bucket = buckets[b] as Map<string, T>;
      if (!bucket.has(id)) size += 1;
      bucket.set(id, value);
    }
    return copied.size === 0 ? this : new UnitTable<T>(buckets, size);
  }
}

import type { NodeTable } from './node-table.ts';

// Nodes in the same resource state (the same allocatable cpu and memory, the
// same requests counted for scores, so the same utilisation) get bit-for-bit
// the same Entropy, Pack and allocation scores for a pod: those plugins read
// nothing else of a node. The node table gives each slot the id of its
// state's class, so they compute once per class and copy the result to the
// class's nodes. A pool of identical machines, or all the empty nodes of one
// size, is one class; when every node differs the copy costs a pass.

const KEYS = 5;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

function mix(h: number, x: number): number {
  bits[0] = x;
  return Math.imul(Math.imul(h ^ words[0], 0x9e3779b1) ^ words[1], 0x85ebca6b);
}

/** NaN and −0 do not compare as themselves (NaN ≠ NaN, −0 === 0): a state holding one gets a class of its own. */
const plain = (x: number) => x === x && (x !== 0 || 1 / x > 0);

/** The classes of the node table's states, counted by the nodes in each; ids of emptied classes are reused. */
export class StateClasses {
  private keys = new Float64Array(0);
  private refs = new Int32Array(0);
  private hashes = new Int32Array(0);
  /** 1 when the class is in `byHash` (its state compares as itself). */
  private hashed = new Uint8Array(0);
  private byHash = new Map<number, number[]>();
  private free: number[] = [];
  /** Ids handed out so far: every class id is below it. */
  capacity = 0;

  clear() {
    this.byHash.clear();
    this.free = [];
    this.capacity = 0;
  }

  /** Whether class `id` is the state (cpu, memory, nonZeroCpu, nonZeroMemory, u). */
  is(id: number, cpu: number, memory: number, nonZeroCpu: number, nonZeroMemory: number, u: number): boolean {
    const k = this.keys;
    const at = id * KEYS;
    return (
      this.hashed[id] === 1 &&
      k[at] === cpu &&
      k[at + 1] === memory &&
      k[at + 2] === nonZeroCpu &&
      k[at + 3] === nonZeroMemory &&
      k[at + 4] === u
    );
  }

  /** The class of a state, counting one more node in it. */
  acquire(cpu: number, memory: number, nonZeroCpu: number, nonZeroMemory: number, u: number): number {
    const comparable = plain(cpu) && plain(memory) && plain(nonZeroCpu) && plain(nonZeroMemory) && plain(u);
    const hash = comparable ? mix(mix(mix(mix(mix(0x2545f491, cpu), memory), nonZeroCpu), nonZeroMemory), u) : 0;
    const bucket = comparable ? this.byHash.get(hash) : undefined;
    if (bucket)
      for (const id of bucket)
        if (this.is(id, cpu, memory, nonZeroCpu, nonZeroMemory, u)) {
          this.refs[id]++;
          return id;
        }
    const id = this.free.pop() ?? this.grow();
    const at = id * KEYS;
    this.keys[at] = cpu;
    this.keys[at + 1] = memory;
    this.keys[at + 2] = nonZeroCpu;
    this.keys[at + 3] = nonZeroMemory;
    this.keys[at + 4] = u;
    this.refs[id] = 1;
    this.hashes[id] = hash;
    this.hashed[id] = comparable ? 1 : 0;
    if (!comparable) return id;
    if (bucket) bucket.push(id);
    else this.byHash.set(hash, [id]);
    return id;
  }

  /** Counts one node fewer in class `id`; the last one out frees it. */
  release(id: number) {
    if (--this.refs[id] > 0) return;
    if (this.hashed[id] === 1) {
      const bucket = this.byHash.get(this.hashes[id]);
      if (bucket) {
        const i = bucket.indexOf(id);
        if (i >= 0) bucket.splice(i, 1);
        if (!bucket.length) this.byHash.delete(this.hashes[id]);
      }
      this.hashed[id] = 0;
    }
    this.free.push(id);
  }

  private grow(): number {
    const id = this.capacity++;
    if (id >= this.refs.length) {
      const n = Math.max(16, this.refs.length * 2);
      const keys = new Float64Array(n * KEYS);
      keys.set(this.keys);
      this.keys = keys;
      const refs = new Int32Array(n);
      refs.set(this.refs);
      this.refs = refs;
      const hashes = new Int32Array(n);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const hashed = new Uint8Array(n);
      hashed.set(this.hashed);
      this.hashed = hashed;
    }
    return id;
  }
}

/**
 * One representative candidate per state class, for a plugin that scores by
 * class: after `pick`, `slots[0..count)` are the first candidate of each class
 * among the candidates, in the order seen, and `which[i]` is the index there
 * of candidate i's representative.
 */
export class Representatives {
  slots = new Int32Array(0);
  which = new Int32Array(0);
  count = 0;
  private seen = new Int32Array(0);
  private index = new Int32Array(0);
  private pass = 0;

  pick(table: NodeTable, candidates: Int32Array, count: number): this {
    const classes = table.classes.capacity;
    if (this.seen.length < classes) {
      this.seen = new Int32Array(Math.max(16, classes * 2));
      this.index = new Int32Array(this.seen.length);
      this.pass = 0;
    }
    if (this.which.length < count) {
      this.which = new Int32Array(Math.max(16, count * 2));
      this.slots = new Int32Array(this.which.length);
    }
    // A new pass number forgets the last pass's marks without clearing them.
    if (++this.pass === 0x7fffffff) {
      this.seen.fill(0);
      this.pass = 1;
    }
    const { seen, index, which, slots, pass } = this;
    const stateClass = table.stateClass;
    let m = 0;
    for (let i = 0; i < count; i++) {
      const s = candidates[i];
      const c = stateClass[s];
      if (seen[c] !== pass) {
        seen[c] = pass;
        index[c] = m;
        slots[m++] = s;
      }
      which[i] = index[c];
    }
    this.count = m;
    return this;
  }
}

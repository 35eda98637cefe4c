// One shared timer drives every node and container of a fleet. A tick must
// not scan thousands of idle pods, so each pod waits in the 20 ms slots of
// the times something of it is due, and a tick takes only the slots that
// have passed since the last one. 20 ms, not 100: what is due at a later
// time (a container that runs for a while, an image pull) comes due on a
// tick, and an idle tick costs next to nothing (the nodes' lease renewals
// wait in a wheel of their own: node-registration.ts). What is due at once
// (a start whose image is on the node, a 0 s container's exit) does not wait
// for a tick: the fleet runs another pass straight after the current one's
// status writes.

export const TICK_MS = 20;

export class TimerWheel {
  private slots = new Map<number, Set<string>>();
  private lastSlot = Math.floor(Date.now() / TICK_MS);

  /** Files `key` under each time; a time already past goes to the next slot, so it still comes due. */
  schedule(key: string, times: number[]) {
    for (const t of times) {
      const slot = Math.max(Math.ceil(t / TICK_MS), this.lastSlot + 1);
      let keys = this.slots.get(slot);
      if (!keys) this.slots.set(slot, (keys = new Set()));
      keys.add(key);
    }
  }

  /** The keys due by `now`, each once, in the order they were filed; their slots are emptied. */
  takeDue(now: number): Set<string> {
    const slot = Math.floor(now / TICK_MS);
    const due = new Set<string>();
    for (let s = this.lastSlot + 1; s <= slot; s++) {
      const keys = this.slots.get(s);
      if (!keys) continue;
      this.slots.delete(s);
      for (const k of keys) due.add(k);
    }
    this.lastSlot = slot;
    return due;
  }
}

import type { Db } from './db.ts';

export function settingsRepo(db: Db) {
  return {
    get: async (key: string): Promise<string | null> =>
      (await db.setting.findUnique({ where: { key } }))?.value ?? null,
    delete: async (key: string) => {
      await db.setting.deleteMany({ where: { key } });
    },
    set: async (key: string, value: string) => {
      await db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
    },
    /** Returns the stored value, or stores `create()` if none; the first writer wins across instances. */
    getOrCreate: async (key: string, create: () => string): Promise<string> => {
      const existing = await db.setting.findUnique({ where: { key } });
      if (existing) return existing.value;
      try {
        return (await db.setting.create({ data: { key, value: create() } })).value;
      } catch {
        const winner = await db.setting.findUnique({ where: { key } });
        if (!winner) throw new Error(`could not store setting ${key}`);
        return winner.value;
      }
    },
  };
}

import { machine } from './lib.ts';
import { BACKUP_TARGETS, benchBackup } from './backup.ts';
import { AUDIT_TARGETS, benchAudit } from './audit.ts';

// `npm run bench:ops`: the operations figures (backups, …). Each part returns its figures; this prints them with
// their targets, and the last line is one JSON object of all of them.

async function main() {
  console.log(`machine: ${machine()}`);
  const figures: Record<string, number> = {};
  const targets: Record<string, number> = {};

  const backup = await benchBackup();
  Object.assign(figures, backup);
  Object.assign(targets, BACKUP_TARGETS);

  Object.assign(figures, await benchAudit());
  Object.assign(targets, AUDIT_TARGETS);

  for (const [key, value] of Object.entries(figures)) {
    const target = targets[key];
    console.log(
      `  ${key}: ${value}${target === undefined ? '' : ` (target ≤ ${target}) ${value <= target ? 'met' : 'NOT met'}`}`,
    );
  }
  console.log(JSON.stringify(figures));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/** The largest request body any API route accepts (bytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The largest backup file a restore accepts (bytes): the restore route alone takes bodies this large. */
export const MAX_BACKUP_BYTES = 1024 * 1024 * 1024;

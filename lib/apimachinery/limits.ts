/** The largest request body any API route accepts (bytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

// server.ts passes the requested path to server components in this header, so
// a layout that redirects to the login page can bring the user back afterwards.
export const PATH_HEADER = 'x-entroos-path';

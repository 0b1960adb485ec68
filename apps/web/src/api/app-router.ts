/** The one place the web app names the server's router type (type-only: nothing is bundled). */
export type { AppRouter } from '@patchbay/server';

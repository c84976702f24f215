/**
 * The zod every Lambda schema is written with: `zod/mini`, the functional build of zod 4. Classic
 * zod's methods keep every check in the bundle (~95 KB); mini keeps only the checks a schema names
 * (~30 KB): about 8 ms less cold init per function (median of the nine functions).
 *
 * Mini ships without a locale: without the English one set here, every default message would be a
 * bare "Invalid input". Import `* as z` from this module, never from 'zod/mini' itself, so that no
 * schema can parse before the locale is set.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

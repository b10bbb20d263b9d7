/** Every shipped locale. A new locale is a new file beside this one, listed here. */
import type { Catalogue } from '../catalogue';
import { el } from './el';
import { en, type MessageId } from './en';
import { fa } from './fa';
import { fi } from './fi';
import { uk } from './uk';

export type { MessageId };

export const CATALOGUES = { en, fi, uk, fa, el } satisfies Record<string, Catalogue<MessageId>>;

/** `npm run migrate`: applies pending migrations to DATABASE_URL (the compose stack runs it before the app). */
import { loadConfig } from '../config';
import { migrate } from '../db';

migrate(loadConfig().DATABASE_URL).then(
  () => console.log('Migrations applied.'),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

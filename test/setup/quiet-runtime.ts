import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers in tests log warnings and errors only; each test file gets its own module registry, so this runs once per file.
Runtime.install({ logger: new DefaultLogger('WARN') });

import type { Logger } from '@atrium/config';
import type { TaskList } from 'graphile-worker';

export interface TaskDeps {
  logger: Logger;
}

/** Every job the worker runs, by name. Payloads are zod-parsed inside each task. */
export function taskList(_deps: TaskDeps): TaskList {
  return {};
}

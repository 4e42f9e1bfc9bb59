import { startTestCluster } from '@atrium/db/testing';

// One Postgres per integration run; each test file clones the template.
export default async function setup() {
  const cluster = await startTestCluster();
  return async () => cluster.stop();
}

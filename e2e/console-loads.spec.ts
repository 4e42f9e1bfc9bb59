import { expect, test } from '@playwright/test';

// The smallest promise of the quick start: the console answers in a browser.
test('the console loads and reports healthy', async ({ page, request }) => {
  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const response = await page.goto('/');
  expect(response?.status()).toBeLessThan(400);
  await expect(page).toHaveTitle(/Atrium/);
});

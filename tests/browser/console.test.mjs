// The web console in headless Debian Chromium: a partner allocates funds, issues and recalls
// a coupon and reveals a masked field; a customer sees its account; the language switches;
// a wrong password and a POST without the CSRF token are refused. Screenshots of the main
// pages in both languages go to PC_SHOTS.
//
// Environment (set by scripts/browser-tests.sh): PC_BASE (server URL), PC_DEMO (the JSON of
// `pcenter seed demo --json`), PC_SHOTS (screenshot folder), PC_CHROMIUM (browser binary).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.PC_BASE;
const demo = JSON.parse(fs.readFileSync(process.env.PC_DEMO, 'utf8'));
const SHOTS = process.env.PC_SHOTS;
const provider = demo.solution_provider;
const alpha = demo.customers.find((c) => c.domain_name === 'demo-shop-alpha');

let browser;
let profile;

// A fresh profile directory for this run (Playwright passes it as --user-data-dir).
before(async () => {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  fs.rmSync(profile, { recursive: true, force: true });
});

/** A new person at the browser: no cookies but the language one, one fresh tab. Tests run
 * one after another, so they share the profile but never its cookies. */
async function session(lang = 'zh-CN') {
  await browser.clearCookies();
  if (lang !== 'zh-CN') {
    await browser.addCookies([{ name: 'pc_lang', value: lang, url: BASE }]);
  }
  const page = await browser.newPage();
  const context = { cookies: () => browser.cookies(), close: () => page.close() };
  return { context, page };
}

async function signIn(page, login, password) {
  await page.goto(`${BASE}/console/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('#sign-in');
  // Signed in: the header names the user; refused: the form shows the error. Waiting for either
  // keeps the next step (or closing the tab) from racing the sign-in POST.
  await page.waitForSelector('#who, #error');
}

async function shot(page, name, lang) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${lang}-${name}.png`), fullPage: true });
}

const money = (text) => Number(text.replace(/[^0-9.]/g, ''));

test('a wrong password is refused and opens nothing', async () => {
  const { context, page } = await session();
  await signIn(page, provider.login, 'not-the-password');
  await assert.doesNotReject(page.waitForSelector('#error'));
  assert.match(await page.textContent('#error'), /CBC\.0154/);
  assert.ok(page.url().endsWith('/console/login'));
  assert.equal((await context.cookies()).some((c) => c.name === 'pc_session'), false);
  await context.close();
});

test('a POST without the CSRF token is refused', async () => {
  const { context, page } = await session();
  await signIn(page, provider.login, provider.password);
  const before = money(await balanceOf(page, alpha.domain_name));
  // Same cookies as the signed-in page, but no csrf field.
  const resp = await page.request.post(`${BASE}/console/partner/funds/move`, {
    form: { target: 'customer', target_id: alpha.domain_id, direction: 'allocate', amount: '1.00' },
    maxRedirects: 0,
  });
  assert.equal(resp.status(), 403);
  assert.equal(money(await balanceOf(page, alpha.domain_name)), before, 'nothing moved');
  await context.close();
});

async function balanceOf(page, account) {
  await page.goto(`${BASE}/console/partner/funds`);
  return page.textContent(`#customer-balances tr[data-account="${account}"] .balance`);
}

test('partner allocates funds to a customer and sees the balance change', async () => {
  const { context, page } = await session();
  await signIn(page, provider.login, provider.password);
  const before = money(await balanceOf(page, alpha.domain_name));
  const partnerBefore = money(await page.textContent('#partner-balance'));
  await page.selectOption('#fund-customer', alpha.domain_id);
  await page.selectOption('#fund-direction', 'allocate');
  await page.fill('#fund-amount', '50.00');
  await Promise.all([page.waitForLoadState('load'), page.click('#fund-next')]);
  assert.match(await page.textContent('#confirm-amount'), /50\.00/);
  await Promise.all([page.waitForURL(/done=allocate/), page.click('#confirm-button')]);
  assert.ok(await page.isVisible('#notice'));
  const after = money(await page.textContent(`#customer-balances tr[data-account="${alpha.domain_name}"] .balance`));
  assert.equal(Math.round((after - before) * 100), 5000);
  assert.equal(Math.round((partnerBefore - money(await page.textContent('#partner-balance'))) * 100), 5000);
  await context.close();
});

test('partner issues a coupon and recalls it', async () => {
  const { context, page } = await session();
  await signIn(page, provider.login, provider.password);
  await page.goto(`${BASE}/console/partner/coupons`);
  await page.check(`#issue-coupons input[data-account="${alpha.domain_name}"]`);
  await page.fill('#issue-face', '20.00');
  await Promise.all([page.waitForLoadState('load'), page.click('#issue-button')]);
  assert.match(await page.textContent('#notice'), /1 \/ 1/);
  const couponId = (await page.textContent('#results tr.ok td.detail')).trim();

  await page.goto(`${BASE}/console/partner/coupons`);
  const row = `#coupons tr[data-coupon="${couponId}"]`;
  await page.check(`${row} input[name="coupon_ids"]`);
  await Promise.all([page.waitForLoadState('load'), page.click('#recall-button')]);
  assert.match(await page.textContent('#notice'), /1 \/ 1/);
  assert.match(await page.textContent('#results tr.ok'), /20\.00/);

  await page.goto(`${BASE}/console/partner/coupons`);
  assert.match(await page.textContent(`${row} .status`), /已回收/);
  assert.equal(await page.locator(`${row} input[name="coupon_ids"]`).count(), 0, 'a recalled coupon cannot be chosen again');
  await context.close();
});

test('a masked field is revealed on request and the reveal is audited', async () => {
  const { context, page } = await session();
  await signIn(page, provider.login, provider.password);
  await page.goto(`${BASE}/console/partner/customers`);
  const row = `#customers tr[data-account="${alpha.domain_name}"]`;
  assert.equal((await page.textContent(`${row} .masked[data-field="name"]`)).trim(), 'A***');
  assert.equal(await page.locator('text=Alpha Retail Ltd.').count(), 0);
  await Promise.all([page.waitForLoadState('load'), page.click(`${row} button.reveal[data-field="name"]`)]);
  assert.equal((await page.textContent('#customer-fields .masked[data-field="name"]')).trim(), 'Alpha Retail Ltd.');
  assert.match(await page.textContent('#customer-fields .masked[data-field="email"]'), /\*\*\*@example\.com/);
  await page.goto(`${BASE}/console/partner/audit`);
  assert.match(await page.textContent('#audit'), new RegExp(provider.login));
  await context.close();
});

test('the language switches between Chinese and English', async () => {
  const { context, page } = await session();
  await signIn(page, provider.login, provider.password);
  await page.goto(`${BASE}/console/partner/customers`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('h1'), /客户管理/);
  await Promise.all([page.waitForLoadState('load'), page.click('#lang-switch')]);
  assert.ok(page.url().endsWith('/console/partner/customers'), 'the switch comes back to the same page');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('h1'), /Customers/);
  await Promise.all([page.waitForLoadState('load'), page.click('#lang-switch')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await context.close();
});

test('a customer sees its balance, coupons and partner', async () => {
  const { context, page } = await session();
  await signIn(page, alpha.login, alpha.password);
  assert.ok(page.url().endsWith('/console/customer'));
  assert.ok(money(await page.textContent('#my-balance')) >= 50);
  assert.match(await page.textContent('#my-partner'), /Binjiang Solutions/);
  await context.close();
});

test('screenshots of the main pages in both languages', async () => {
  const distributor = demo.distributor;
  for (const lang of ['zh-CN', 'en']) {
    const anon = await session(lang);
    await anon.page.goto(`${BASE}/console/login`);
    await shot(anon.page, 'login', lang);
    await anon.context.close();

    const { context, page } = await session(lang);
    await signIn(page, provider.login, provider.password);
    for (const [name, url] of [
      ['partner-overview', '/console/partner'],
      ['partner-customers', '/console/partner/customers'],
      ['partner-customer-detail', `/console/partner/customers/${alpha.domain_id}`],
      ['partner-funds', '/console/partner/funds'],
      ['partner-coupons', '/console/partner/coupons'],
      ['partner-price-calculator', '/console/partner/prices?spec=s6.large.2.linux&region=cn-north-4&period_type=month&period_num=3&quantity=2'],
      ['partner-exports', '/console/exports'],
      ['partner-audit', '/console/partner/audit'],
      ['access-keys', '/console/keys'],
    ]) {
      await page.goto(`${BASE}${url}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await shot(page, name, lang);
    }
    await page.goto(`${BASE}/console/partner/funds`);
    await page.selectOption('#fund-customer', alpha.domain_id);
    await page.fill('#fund-amount', '8.00');
    await Promise.all([page.waitForLoadState('load'), page.click('#fund-next')]);
    await shot(page, 'partner-funds-confirm', lang);
    await context.close();

    const d = await session(lang);
    await signIn(d.page, distributor.login, distributor.password);
    await d.page.goto(`${BASE}/console/partner/resellers`);
    await shot(d.page, 'distributor-resellers', lang);
    await d.context.close();

    const c = await session(lang);
    await signIn(c.page, alpha.login, alpha.password);
    await shot(c.page, 'customer-account', lang);
    await c.context.close();

    const o = await session(lang);
    await signIn(o.page, demo.operator.login, demo.operator.password);
    await shot(o.page, 'operator-partners', lang);
    await o.page.goto(`${BASE}/console/operator/price-book`);
    await shot(o.page, 'operator-price-book', lang);
    await o.context.close();
  }
});

test('a customer pays an order with a coupon', async () => {
  // The customer authorizes its partner to order for it.
  let s = await session();
  await signIn(s.page, alpha.login, alpha.password);
  await s.page.click('#authorize-orders');
  await s.page.waitForSelector('#orders-authorized');
  await s.context.close();

  // The partner orders on the customer's behalf and gives it a coupon.
  s = await session();
  await signIn(s.page, provider.login, provider.password);
  await s.page.goto(`${BASE}/console/partner/orders`);
  await s.page.selectOption('#order-customer', alpha.domain_id);
  await s.page.selectOption('#order-spec', 's6.small.1.linux');
  await Promise.all([s.page.waitForURL(/done=ordered/), s.page.click('#place-order')]);
  await s.page.goto(`${BASE}/console/partner/coupons`);
  await s.page.check(`#issue-coupons input[data-account="${alpha.domain_name}"]`);
  await s.page.fill('#issue-face', '500.00');
  await Promise.all([s.page.waitForLoadState('load'), s.page.click('#issue-button')]);
  const couponId = (await s.page.textContent('#results tr.ok td.detail')).trim();
  await s.context.close();

  // The customer pays the pending order with that coupon.
  s = await session();
  await signIn(s.page, alpha.login, alpha.password);
  await s.page.goto(`${BASE}/console/customer/orders`);
  const pay = s.page.locator('tr[data-pay]').first();
  const orderId = await pay.getAttribute('data-pay');
  await pay.locator('input[value="coupon"]').check();
  await pay.locator('select[name="coupon_ids"]').selectOption(couponId);
  await Promise.all([s.page.waitForLoadState('load'), pay.locator('button.pay').click()]);
  await s.page.waitForSelector('#notice, #error');
  if (await s.page.locator('#error').count()) {
    assert.fail(await s.page.textContent('#error'));
  }
  assert.ok(s.page.url().includes('done=paid'));
  assert.doesNotMatch(await s.page.textContent(`#orders tr[data-order="${orderId}"] .status`), /待支付/);
  await shot(s.page, 'customer-orders', 'zh-CN');
  await s.page.goto(`${BASE}/console/customer`);
  assert.match(await s.page.textContent('#my-coupons'), /已使用|可使用/);
  await s.context.close();
});

import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test-secret';
  const body = '{"event":"task.finished","task":{"id":"t1"}}';

  it('is t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature(secret, body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature and rejects tampering, other secrets and stale timestamps', () => {
    const header = webhookSignature(secret, body, 1700000000);
    const at = { nowSeconds: 1700000060 };
    expect(verifyWebhookSignature(secret, body, header, at)).toBe(true);
    expect(verifyWebhookSignature(secret, `${body} `, header, at)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', body, header, at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: 1700000000 + 301 })).toBe(false);
    expect(verifyWebhookSignature(secret, body, 'v1=abc', at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header.replace('t=1700000000', 't=1700000001'), at)).toBe(
      false,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { WebhookUrlRefused, checkWebhookUrl, isPublicAddress, resolveWebhookTarget } from '../../../functions/adapters/webhooks/url-guard';

describe('webhook URL guard', () => {
  it.each([
    '10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    'http://hooks.example.com/x',
    'https://169.254.169.254/latest/meta-data',
    'https://[fd00:ec2::254]/',
    'https://[::1]/',
    'https://10.0.0.5/hook',
    'https://localhost/hook',
    'https://metadata.google.internal/',
    'https://user:pw@hooks.example.com/',
    'http://127.0.0.1:8080/hook',
    'not a url',
  ])('refuses %s when deployed', (url) => {
    expect(() => checkWebhookUrl(url)).toThrow(WebhookUrlRefused);
  });

  it('allows http://127.0.0.1 only with the local runtime policy, and nothing else private there', () => {
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', { allowLoopback: true }).port).toBe('8080');
    expect(() => checkWebhookUrl('http://10.0.0.5/hook', { allowLoopback: true })).toThrow(WebhookUrlRefused);
    expect(() => checkWebhookUrl('http://localhost:8080/hook', { allowLoopback: true })).toThrow(WebhookUrlRefused);
  });

  it('refuses a public name that resolves to a private or metadata address (any of its addresses)', async () => {
    const resolveTo = (addresses: string[]) => async () => addresses;
    await expect(resolveWebhookTarget('https://hooks.example.com/x', {}, resolveTo(['169.254.169.254']))).rejects.toThrow(WebhookUrlRefused);
    await expect(resolveWebhookTarget('https://hooks.example.com/x', {}, resolveTo(['93.184.215.14', '10.0.0.1']))).rejects.toThrow(WebhookUrlRefused);
    await expect(resolveWebhookTarget('https://hooks.example.com/x', {}, resolveTo([]))).rejects.toThrow(WebhookUrlRefused);
    await expect(resolveWebhookTarget('https://hooks.example.com/x', {}, resolveTo(['93.184.215.14']))).resolves.toMatchObject({ address: '93.184.215.14' });
  });
});

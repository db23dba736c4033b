import { configuredSecrets } from './secrets';
import { validateConfig } from './config-loader';

describe('configuredSecrets', () => {
  it('lists every credential of the config by value, and nothing short or absent', () => {
    const config = validateConfig({
      database: { url: 'postgres://app:db%2Fpass-123@db:5432/gateway' },
      redis: { url: 'redis://:redis-pass-456@cache:6379' },
      auth: {
        jwtSecret: 'jwt-secret-0123456789-abcdefghijklmnop',
        bootstrapAdminEmail: 'root@example.com',
        bootstrapAdminPassword: 'admin-password-789',
      },
      tasks: { webhooks: { signingKey: 'signing-key-0123456789-abcdefghijklmno' } },
      providers: [
        { id: 'a', type: 'openai', apiKey: 'sk-live-abcdefgh', models: [{ name: 'm' }] },
        { id: 'b', type: 'openai-compatible', apiKey: 'none', baseUrl: 'http://x', models: [{ name: 'n' }] },
        {
          id: 'c',
          type: 'bedrock',
          region: 'us-east-1',
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'bedrock-secret-key-1',
          models: [{ name: 'o' }],
        },
      ],
    });
    expect(configuredSecrets(config).sort()).toEqual(
      [
        'jwt-secret-0123456789-abcdefghijklmnop',
        'admin-password-789',
        'signing-key-0123456789-abcdefghijklmno',
        'db/pass-123',
        'redis-pass-456',
        'sk-live-abcdefgh',
        'bedrock-secret-key-1',
      ].sort(),
    );
  });
});

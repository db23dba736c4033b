import { ConfigValidationError, loadConfig } from '@app/config';

const BASE_ENV = {
  CONFIG_FILE: '/dev/null',
  DATABASE_URL: 'postgres://localhost/db',
  JWT_SECRET: 'test-secret-0123456789-abcdefghijklmnop',
};

function processesFrom(value?: string): unknown {
  const env = value === undefined ? BASE_ENV : { ...BASE_ENV, MPB__server__processes: value };
  return loadConfig({ env }).server.processes;
}

function problemsFor(value: string): string[] {
  try {
    processesFrom(value);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.message.split('\n');
    throw error;
  }
}

describe('server.processes', () => {
  it('defaults to one process and takes a count or auto', () => {
    expect(processesFrom()).toBe(1);
    expect(processesFrom('4')).toBe(4);
    expect(processesFrom('auto')).toBe('auto');
  });

  it('refuses anything else, naming the key', () => {
    for (const bad of ['0', '1.5', 'three', 'AUTO']) {
      expect(problemsFor(bad).some((line) => line.includes('server.processes'))).toBe(true);
    }
  });
});

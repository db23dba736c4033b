import { cubeFor } from './rollup-layout';

describe('cubeFor', () => {
  it('reads the model rollup for totals and model-side groupings', () => {
    expect(cubeFor([]).name).toBe('model');
    expect(cubeFor(['provider']).name).toBe('model');
    expect(cubeFor(['route', 'model']).name).toBe('model');
  });

  it('reads the caller rollup for callers alone, the full one when both sides are involved', () => {
    expect(cubeFor(['user_id']).name).toBe('caller');
    expect(cubeFor(['api_key_id', 'user_id']).name).toBe('caller');
    expect(cubeFor(['user_id', 'model']).name).toBe('full');
  });

  it('refuses an unknown column', () => {
    expect(() => cubeFor(['password'])).toThrow('no usage rollup');
  });
});

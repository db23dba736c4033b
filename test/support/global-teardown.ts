import { existsSync, readFileSync, rmSync } from 'node:fs';
import { STATE_FILE, stopHermeticServices, type HermeticState } from './hermetic-services';

export default function globalTeardown(): void {
  if (!existsSync(STATE_FILE)) return;
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as HermeticState;
  stopHermeticServices(state);
  rmSync(STATE_FILE, { force: true });
}

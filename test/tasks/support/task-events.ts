/** GET /tasks/:id/events as a client reads it: named events with JSON data (comments dropped). */
export function parseTaskEvents(text: string): { event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line && !line.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      event: lines.find((l) => l.startsWith('event: '))!.slice('event: '.length),
      data: JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice('data: '.length)) as unknown,
    }));
}

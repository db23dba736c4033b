/** Server-sent events as a client sees them: each event's data lines, and comment lines. */
export interface SseEvents {
  data: string[];
  comments: string[];
}

export function parseSse(text: string): SseEvents {
  const data: string[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter(Boolean);
    const dataLines = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length));
    if (dataLines.length) data.push(dataLines.join('\n'));
    comments.push(...lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).trim()));
  }
  return { data, comments };
}

/** The text of chat.completion.chunk events, as a client concatenates it. */
export function contentOf(events: SseEvents): string {
  return events.data
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as { choices?: Array<{ delta?: { content?: string } }> })
    .map((chunk) => chunk.choices?.[0]?.delta?.content ?? '')
    .join('');
}

/** What any answer of the gateway looks like, as far as a hostile-input test can judge it. */
export interface Answer {
  status: number;
  header(name: string): string | undefined;
  body: string;
}

export function answerOf(exchange: { status: number; headers: Headers; text: string }): Answer {
  return {
    status: exchange.status,
    header: (name) => exchange.headers.get(name) ?? undefined,
    body: exchange.text,
  };
}

export function answerOfRaw(reply: {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}): Answer {
  return {
    status: reply.status,
    header: (name) => {
      const value = reply.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    body: reply.body,
  };
}

/** Signs of internals leaking into a body: stack frames, file paths, driver or framework messages. */
const LEAK = /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|QueryFailedError|TypeORM|ECONNREFUSED|FST_ERR/;

/**
 * Problems with an answer that should be a well-formed error (a 4xx, or a 503/504 of ours): the one
 * error body `{"error":{code,message,requestId,...}}` as JSON, the request id equal to x-request-id, no
 * internals. Empty when it is fine.
 */
export function errorFormatProblems(answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status < 400 || answer.status > 599) problems.push(`status ${answer.status} is not an error`);
  if (!answer.header('content-type')?.startsWith('application/json'))
    problems.push(`content-type ${answer.header('content-type')}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    problems.push(`body is not JSON: ${answer.body.slice(0, 200)}`);
    return problems;
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== 'object') {
    problems.push(`no error object: ${answer.body.slice(0, 200)}`);
    return problems;
  }
  if (typeof error.code !== 'string' || !/^[a-z_]+$/.test(error.code))
    problems.push(`code ${String(error.code)}`);
  if (typeof error.message !== 'string' || error.message.length === 0) problems.push('no message');
  const requestId = answer.header('x-request-id');
  if (typeof error.requestId !== 'string' || error.requestId !== requestId)
    problems.push(`requestId ${String(error.requestId)} vs header ${requestId}`);
  if (LEAK.test(answer.body)) problems.push(`internals in body: ${answer.body.slice(0, 300)}`);
  return problems;
}

/**
 * Problems with any answer to hostile input: a 2xx, or a well-formed 4xx; never a 5xx (a 500 is a bug,
 * and the fuzz tests run with every dependency up).
 */
export function hostileAnswerProblems(answer: Answer): string[] {
  if (answer.status >= 200 && answer.status < 300) {
    return LEAK.test(answer.body) ? [`internals in a ${answer.status} body`] : [];
  }
  if (answer.status >= 500) return [`status ${answer.status}: ${answer.body.slice(0, 300)}`];
  return errorFormatProblems(answer);
}

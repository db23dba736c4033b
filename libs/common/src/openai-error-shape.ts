import { ErrorCode } from './error-codes';

/** Routes under `/v1` speak OpenAI's API, so their errors also carry OpenAI's `type` and `param`. */
export function isOpenAiRoute(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?');
}

/** OpenAI's `error.type` for a status; SDKs branch on the status, humans read the type. */
export function openAiErrorType(status: number, code: string): string {
  if (code === ErrorCode.ModelNotFound) return 'invalid_request_error';
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

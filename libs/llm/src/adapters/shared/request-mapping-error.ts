/**
 * Thrown by request mappers when the internal request cannot be expressed in the vendor's format
 * (e.g. tool-call arguments that are not a JSON object). Error mappers turn it into `bad_request`.
 */
export class RequestMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestMappingError';
  }
}

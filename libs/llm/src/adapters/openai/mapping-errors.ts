/** Our request cannot be expressed in the vendor's format; becomes a non-retryable bad_request. */
export class UnmappableRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnmappableRequestError';
  }
}

/** The vendor answered 200 with something that is not a chat completion; becomes invalid_response. */
export class InvalidVendorResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidVendorResponseError';
  }
}

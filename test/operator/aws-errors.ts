/** An error as the SDK surfaces it once its own retries are spent (SFN has no ThrottlingException class). */
export function throttled(message = 'Rate exceeded'): Error {
  return Object.assign(new Error(message), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}
